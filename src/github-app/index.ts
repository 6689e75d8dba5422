/**
 * The app's own reporting channel on GitHub: its check runs, comments, drift issues, the
 * config repo it reads, and the Markdown it renders plans into. The github *target* (the
 * org Converge manages) is src/providers/github; this folder never manages resources.
 */
export type { GitHubClient, RepoRef } from './client.js';
export { appGitHubError, statusOf } from './errors.js';
export { checkRunUrl, finishCheckRun, startCheckRun, updateCheckRun, type CheckResult } from './check-runs.js';
export { commentOn, fetchComment, pullsForCommit, upsertComment, type FetchedComment } from './comments.js';
export { syncDriftIssues, type DriftIssueOutcome, type DriftReport } from './drift-issues.js';
export { listInstallations, repositoryInstallation, type Installation } from './installations.js';
export { findLastConverged, type LastConverged } from './progress.js';
export { defaultBranchFile, defaultBranchHead, repositoryPermission } from './repository.js';
export { compareCommits, fetchSnapshot, type Comparison } from './snapshot.js';
