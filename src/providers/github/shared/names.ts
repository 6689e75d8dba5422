/**
 * GitHub's naming rules, checked when the config is loaded so a bad name is a diagnostic on
 * the YAML line instead of an API error at apply time.
 */

const REPOSITORY_NAME = /^[A-Za-z0-9._-]{1,100}$/;

export function repositoryNameProblem(name: string): string | undefined {
  if (!REPOSITORY_NAME.test(name)) {
    return `"${name}" is not a valid repository name: use 1 to 100 letters, digits, ".", "-" or "_".`;
  }
  if (name === '.' || name === '..') return `"${name}" is not a valid repository name.`;
  if (name.toLowerCase().endsWith('.git')) return `"${name}" is not a valid repository name: it must not end in ".git".`;
  return undefined;
}

export interface ChildName {
  parent: string;
  child: string;
}

/**
 * `<parent>/<child>`, split at the first `/`: repository names, team slugs and logins
 * cannot contain one; labels, branch patterns, environment and ruleset names can.
 * Undefined when either half is empty.
 */
export function splitChildName(name: string): ChildName | undefined {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return { parent: name.slice(0, slash), child: name.slice(slash + 1) };
}

export interface LabelName {
  repo: string;
  label: string;
}

/** A label is a child of its repository: `<repo>/<label>`, in the label's own words. */
export function splitLabelName(name: string): LabelName | undefined {
  const parts = splitChildName(name);
  return parts && { repo: parts.parent, label: parts.child };
}

// Line breaks, tabs and other control characters, which GitHub refuses in names it shows.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/** A sentence when a free-form name holds a character GitHub refuses. */
export function controlCharacterProblem(what: string, name: string): string | undefined {
  if (!CONTROL.test(name)) return undefined;
  return `${what} ${JSON.stringify(name)} must not contain line breaks, tabs or other control characters.`;
}

export function labelNameProblem(name: string): string | undefined {
  const parts = splitLabelName(name);
  if (!parts) return `"${name}" is not a label name: write it as <repository>/<label>, for example "api/bug".`;
  const repoProblem = repositoryNameProblem(parts.repo);
  if (repoProblem) return repoProblem;
  const control = controlCharacterProblem('label', parts.label);
  if (control) return control;
  if (parts.label.trim() !== parts.label) return `label "${parts.label}" must not start or end with spaces.`;
  if ([...parts.label].length > 50) return `label "${parts.label}" is longer than GitHub's 50 characters.`;
  return undefined;
}

/** GitHub compares repository and label names without regard to case. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Names differing only in case are the same resource to GitHub but not to the plan. When the
 * exact live name is read too (a rename that fixes case) this one is absent; otherwise say so.
 */
export function caseMismatch(kind: string, asked: string, live: string, askedNames: ReadonlySet<string>): string | 'absent' {
  if (askedNames.has(live)) return 'absent';
  return `${kind} "${asked}" exists on GitHub as "${live}": names must match exactly (write "${live}", or add it to previousNames to rename).`;
}

/**
 * Name keys (ResourceKind.nameKey): names with the same key are one resource to GitHub.
 * Repository, label, environment and team names, and logins, ignore case.
 */
export const IGNORES_CASE = 'GitHub compares these names without regard to case';
export const IGNORES_CASE_OF_REPOSITORY = 'GitHub compares repository names without regard to case';

export function caseInsensitiveKey(name: string): string {
  return name.toLowerCase();
}

/** `<repository>/<child>` with only the repository part compared without regard to case. */
export function repositoryChildKey(name: string): string {
  const parts = splitChildName(name);
  return parts ? `${parts.parent.toLowerCase()}/${parts.child}` : name;
}

/** Labels are children: the rename of `<repo>/<from>` to `<repo>/<to>` keeps the repository. */
export function labelRef(repo: string, label: string): string {
  return `${repo}/${label}`;
}

/** GitHub logins, written in lower case: GitHub compares them without regard to case, Converge exactly. */
const LOGIN = /^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/;

export function loginProblem(login: string): string | undefined {
  if (LOGIN.test(login)) return undefined;
  if (LOGIN.test(login.toLowerCase())) return `write the login "${login}" in lower case ("${login.toLowerCase()}"): GitHub compares logins without regard to case.`;
  return `"${login}" is not a GitHub login: 1 to 39 letters, digits or single hyphens, not starting or ending with a hyphen.`;
}

/** Team slugs as GitHub derives them from team names: lower case, digits, `-` and `_`. */
const SLUG = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;

export function teamSlugProblem(slug: string): string | undefined {
  if (SLUG.test(slug)) return undefined;
  return `"${slug}" is not a team slug: use lower-case letters, digits, "-" and "_" (GitHub derives the slug from the team name).`;
}

/**
 * The slug GitHub gives a team named `name` (Rails' `parameterize`): accents dropped, lower
 * case, every run of other characters turned into one `-`, no `-` at either end.
 */
export function slugOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
}

/** Actions variable names: GitHub stores them upper-cased, so Converge asks for upper case. */
const VARIABLE = /^[A-Z_][A-Z0-9_]*$/;

export function variableNameProblem(name: string): string | undefined {
  if (!VARIABLE.test(name.toUpperCase())) return `"${name}" is not a variable name: use letters, digits and "_", not starting with a digit.`;
  if (name !== name.toUpperCase()) return `write the variable name "${name}" in upper case ("${name.toUpperCase()}"): GitHub stores variable names upper-cased.`;
  if (name.startsWith('GITHUB_')) return `"${name}": variable names must not start with GITHUB_.`;
  return undefined;
}

/** A `<parent>/<child>` name check built from the two halves' checks. */
export function childNameProblem(
  name: string,
  shape: string,
  parentProblem: (parent: string) => string | undefined,
  childProblem: (child: string) => string | undefined = () => undefined,
): string | undefined {
  const parts = splitChildName(name);
  if (!parts) return `"${name}" is not a valid name here: write it as ${shape}.`;
  return parentProblem(parts.parent) ?? childProblem(parts.child);
}
