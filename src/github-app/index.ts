/**
 * The app's own reporting channel on GitHub: its check runs, comments, drift issues, the
 * config repo it reads, and the Markdown it renders plans into. The github *target* (the
 * org Converge manages) is src/providers/github; this folder never manages resources.
 */
export type { GitHubClient, RepoRef } from './client.js';
export { appGitHubError, statusOf } from './errors.js';
export { checkRunUrl, PendingCheckRun, updateCheckRun, type CheckResult, type CheckRunSpec } from './check-runs.js';
export { commentOn, fetchComment, upsertComment, type FetchedComment } from './comments.js';
export { syncDriftIssues, type DriftIssueOutcome, type DriftReport } from './drift-issues.js';
export { installationEvents, listInstallations, repositoryInstallation, type Installation } from './installations.js';
export { compareCommits, type CommitRef, type ComparedFile, type Comparison } from './compare.js';
export { findLastConverged, type LastConverged, type ProgressStore } from './progress.js';
export { defaultBranchFile, defaultBranchHead, repositoryPermission, type BranchHead, type MergedPull } from './repository.js';
export { changedPaths, snapshotAt, snapshotPair, type SnapshotCache, type SnapshotSource } from './snapshots.js';
