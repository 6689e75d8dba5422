/**
 * Check-run output for plans and apply results. Pure functions: the caller sends the output
 * with Octokit, the annotations in batches from `chunkAnnotations`.
 */
export { ANNOTATIONS_PER_REQUEST, chunkAnnotations } from './annotations.js';
export { GITHUB_OUTPUT_LIMIT, OUTPUT_BUDGET } from './budget.js';
export { driftIssueTitle, renderDriftReport, renderFullRunOutput, type DriftReportInput, type FullRunOutputInput } from './drift.js';
export { escapeMarkdown } from './markdown.js';
export { renderNoManagedFiles, renderPlan } from './plan.js';
export { renderResults } from './results.js';
export type { Annotation, CheckConclusion, CheckOutput, PlanRenderInput, RenderContext, ResultsRenderInput } from './types.js';
export { isSensitivePath } from './values.js';
