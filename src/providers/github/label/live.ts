import { compact } from '../shared/fields.js';
import type { Label } from './schema.js';

/** A label as REST and GraphQL both return it (the fields the spec covers). */
export interface LiveLabel {
  name: string;
  color: string;
  description?: string | null;
}

export const LABEL_FIELDS = /* GraphQL */ `name color description`;

export function labelFromLive(label: LiveLabel): Label {
  return compact({
    color: label.color.replace(/^#/, '').toLowerCase(),
    description: label.description ?? '',
  });
}

/** The REST body for a partial label spec (create and update take the same fields). */
export function labelBody(spec: Partial<Label>): Record<string, unknown> {
  return compact({ color: spec.color, description: spec.description });
}
