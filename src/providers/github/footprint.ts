import { DEFAULT_TARGET } from '../../core/resource.js';
import { GitHubSettings } from './settings.js';

/** Kinds named `<repository>/<child>`: everything Converge's config repo holds besides issues. */
const CHILDREN_OF_A_REPOSITORY = ['github.label', 'github.collaborator', 'github.branch-protection', 'github.ruleset', 'github.environment', 'github.variable'];

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
export function githubFootprint(targets: ReadonlyMap<string, unknown> | undefined, host: Host): string[] {
  const patterns: string[] = [];
  for (const [target, raw] of targets ?? []) {
    const parsed = GitHubSettings.safeParse(raw ?? {});
    const org = parsed.success ? (parsed.data.org ?? host.owner) : host.owner;
    if (org.toLowerCase() !== host.owner.toLowerCase()) continue;
    const key = (kind: string) => (target === DEFAULT_TARGET ? `${kind}/` : `${kind}@${target}/`);
    patterns.push(`${key('github.repository')}${host.configRepo}`);
    for (const kind of CHILDREN_OF_A_REPOSITORY) patterns.push(`${key(kind)}${host.configRepo}/**`);
    patterns.push(`${key('github.team-repository')}*/${host.configRepo}`);
  }
  return patterns;
}
