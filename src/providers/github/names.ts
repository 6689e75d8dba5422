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

export interface LabelName {
  repo: string;
  label: string;
}

/** `<repo>/<label>`, split at the first `/`: repository names cannot contain one, labels can. */
export function splitLabelName(name: string): LabelName | undefined {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return { repo: name.slice(0, slash), label: name.slice(slash + 1) };
}

export function labelNameProblem(name: string): string | undefined {
  const parts = splitLabelName(name);
  if (!parts) return `"${name}" is not a label name: write it as <repository>/<label>, for example "api/bug".`;
  const repoProblem = repositoryNameProblem(parts.repo);
  if (repoProblem) return repoProblem;
  if (parts.label.trim() !== parts.label) return `label "${parts.label}" must not start or end with spaces.`;
  if ([...parts.label].length > 50) return `label "${parts.label}" is longer than GitHub's 50 characters.`;
  return undefined;
}

/** GitHub compares repository and label names without regard to case. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Labels are children: the rename of `<repo>/<from>` to `<repo>/<to>` keeps the repository. */
export function labelRef(repo: string, label: string): string {
  return `${repo}/${label}`;
}
