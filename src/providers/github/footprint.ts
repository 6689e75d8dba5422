import { DEFAULT_TARGET } from '../../core/resource.js';
import type { GitHubKind } from './kind.js';
import { GitHubSettings } from './settings.js';

export interface Host {
  /** The org the app is installed on (the config repo's owner). */
  owner: string;
  /** The config repo's name. */
  configRepo: string;
}

/**
 * Converge's own footprint in the github provider's targets, as glob patterns on resource
 * keys: the config repo, everything in it (its labels, the drift labels Converge creates
 * there, its protection, collaborators, environments, variables) and the team grants on it.
 * Only targets managing the config repo's own org carry it. The issues and comments
 * Converge creates and its installation are no resource kind, so never extraneous anyway.
 */
export function footprintOf(kinds: readonly GitHubKind<any>[], targets: ReadonlyMap<string, unknown> | undefined, host: Host): string[] {
  const patterns: string[] = [];
  for (const [target, raw] of targets ?? []) {
    const parsed = GitHubSettings.safeParse(raw ?? {});
    const org = parsed.success ? (parsed.data.org ?? host.owner) : host.owner;
    if (org.toLowerCase() !== host.owner.toLowerCase()) continue;
    const key = (kind: string) => (target === DEFAULT_TARGET ? `${kind}/` : `${kind}@${target}/`);
    for (const kind of kinds) if (kind.footprint) patterns.push(`${key(kind.kind)}${kind.footprint(host.configRepo)}`);
  }
  return patterns;
}
