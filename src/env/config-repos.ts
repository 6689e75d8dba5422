import picomatch from 'picomatch';

/**
 * Which repositories of an org are config repos: CONVERGE_CONFIG_REPO, a comma-separated list
 * of names and glob patterns (`converge-config,converge-db`, `converge-*`). Every question
 * "is this a config repo?" goes through here, so the webhook filter, full-run requests,
 * catch-up and the claims between config repos all agree. GitHub compares repository names
 * case-insensitively, and so does this.
 */
export interface ConfigRepos {
  /** The entries as the admin wrote them (trimmed), names and patterns alike. */
  readonly entries: readonly string[];
  /** Every entry is a plain name: the config repos are known without listing the org. */
  readonly names: readonly string[] | undefined;
  matches(repo: string): boolean;
}

// Repository name characters, plus the glob characters a name pattern needs. Braces are out:
// their commas would read as the list's separator.
const ENTRY = /^[A-Za-z0-9._*?![\]-]+$/;

/** Why the value is not a list of config repos, or undefined when it is. */
export function configReposProblem(value: string): string | undefined {
  const entries = value.split(',').map((e) => e.trim());
  if (entries.some((e) => e === '')) return 'must be a comma-separated list of repository names or patterns, with no empty entry';
  const bad = entries.find((e) => !ENTRY.test(e));
  if (bad !== undefined) return `"${bad}" is not a repository name or pattern (letters, digits, ".", "_", "-", and the glob characters * ? [ ] !)`;
  const negated = entries.find((e) => e.startsWith('!'));
  // A negation would make every other repository of the org a config repo.
  if (negated !== undefined) return `"${negated}" is a negation; name the config repos instead`;
  for (const entry of entries) {
    try {
      picomatch.makeRe(entry, { strictBrackets: true });
    } catch {
      return `"${entry}" is not a valid pattern`;
    }
  }
  return undefined;
}

const parsed = new Map<string, ConfigRepos>();

/** The matcher for a validated CONVERGE_CONFIG_REPO (see configReposProblem); kept per value. */
export function configRepos(value: string): ConfigRepos {
  const known = parsed.get(value);
  if (known) return known;
  const problem = configReposProblem(value);
  if (problem) throw new TypeError(`CONVERGE_CONFIG_REPO: ${problem}`);
  const entries = value.split(',').map((e) => e.trim());
  const literal = entries.every((e) => !picomatch.scan(e).isGlob);
  const match = picomatch(entries, { nocase: true, dot: true });
  const repos: ConfigRepos = {
    entries,
    names: literal ? [...new Map(entries.map((e) => [e.toLowerCase(), e])).values()] : undefined,
    matches: (repo) => match(repo),
  };
  parsed.set(value, repos);
  return repos;
}
