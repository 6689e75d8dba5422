import { createHmac } from 'node:crypto';
import examples from '@octokit/webhooks-examples/api.github.com/index.json' with { type: 'json' };

type Json = Record<string, any>;

/**
 * GitHub's published example payload for an event and action, adjusted only where a field
 * our handlers need is missing (the installation) or must point at the test's config repo.
 */
export function example(name: string, action: string | undefined, adjust: (payload: Json) => void = () => {}, index = 0): Json {
  const event = (examples as Array<{ name: string; examples: Json[] }>).find((e) => e.name === name);
  const found = event?.examples.filter((e) => action === undefined || e.action === action)[index];
  if (!found) throw new Error(`no webhook example for ${name}.${action ?? ''}`);
  const payload = structuredClone(found);
  payload.installation ??= { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  adjust(payload);
  return payload;
}

/** Point a payload's repository at `owner/name` (keeping everything else as published). */
export function atRepo(payload: Json, owner: string, name: string): void {
  payload.repository.name = name;
  payload.repository.full_name = `${owner}/${name}`;
  payload.repository.owner.login = owner;
  payload.repository.owner.name = owner;
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
