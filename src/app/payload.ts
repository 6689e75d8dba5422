/**
 * The webhook payload fields each handler reads, as zod schemas. A signed payload is still
 * only as good as its shape: one that lacks a field its handler needs is rejected with a
 * short reason (the web layer answers 400) instead of failing on a TypeError (500).
 * Objects are not strict: GitHub adds fields over time, and those are simply not read.
 */
import { z } from 'zod';

/**
 * A webhook whose signature is valid but whose payload lacks what its handler needs. The web
 * layer answers 400 with the short reason; no stack trace leaves the process.
 */
export class InvalidPayloadError extends Error {
  readonly code = 'invalid-payload';
  /** Not `event`: @octokit/webhooks assigns the whole delivery to `event` on handler errors. */
  readonly eventName: string;
  constructor(
    event: string,
    readonly reason: string,
  ) {
    super(`invalid ${event} payload: ${reason}`);
    this.name = 'InvalidPayloadError';
    this.eventName = event;
  }
}

const Sha = z.string().regex(/^[0-9a-f]{40}$/i, 'expected a commit sha');
const Id = z.number().int().positive();

/** What every handler reads first: enough to ignore other repositories cheaply. */
export const Envelope = z.object({
  repository: z.object({
    id: Id,
    name: z.string().min(1),
    full_name: z.string().regex(/^[^/]+\/[^/]+$/, 'expected owner/name'),
  }),
});
export type Envelope = z.infer<typeof Envelope>;

/** Read only for the config repo, so other repositories' deliveries never get this far. */
export const ConfigRepoEvent = z.object({
  repository: z.object({ default_branch: z.string().min(1) }),
  installation: z.object({ id: Id }),
});
export type ConfigRepoEvent = z.infer<typeof ConfigRepoEvent>;

/** GitHub nulls `head.repo` when the fork the PR comes from was deleted. */
const HeadRepo = z.object({ id: Id }).nullable();

export const PullRequestEvent = z.object({
  pull_request: z.object({
    number: Id,
    head: z.object({ sha: Sha, repo: HeadRepo }),
    base: z.object({ ref: z.string().min(1), sha: Sha }),
  }),
});
export type PullRequestEvent = z.infer<typeof PullRequestEvent>;

/** The minimal pull requests of check runs and suites (GitHub leaves out PRs from forks). */
const CheckPull = z.object({
  number: Id,
  head: z.object({ repo: HeadRepo }),
  base: z.object({ ref: z.string().min(1), sha: Sha }),
});
export type CheckPull = z.infer<typeof CheckPull>;

export const CheckRunEvent = z.object({
  check_run: z.object({ name: z.string(), head_sha: Sha, pull_requests: z.array(CheckPull) }),
});

export const CheckSuiteEvent = z.object({
  check_suite: z.object({ head_sha: Sha, head_branch: z.string().nullable(), pull_requests: z.array(CheckPull) }),
});

export const IssueCommentEvent = z.object({
  comment: z.object({
    id: Id,
    body: z.string(),
    /** Null for a deleted account: the request is still enqueued, and the worker refuses it. */
    user: z.object({ login: z.string().min(1) }).nullable(),
  }),
  issue: z.object({ number: Id }),
  /** Who commented: `Bot` for an app, Converge's own replies included. */
  sender: z.object({ type: z.string() }),
});

/** A review submitted, edited or dismissed: which PR, into which branch, and the review's state. */
export const PullRequestReviewEvent = z.object({
  review: z.object({ state: z.string() }),
  pull_request: z.object({ number: Id, base: z.object({ ref: z.string().min(1) }) }),
});

export const PushEvent = z.object({
  ref: z.string().min(1),
  after: Sha,
  deleted: z.boolean(),
});

const MAX_REASON_CHARS = 200;

/** "pull_request: missing", "pull_request.head.sha: expected a commit sha": paths, never values. */
function shortReason(error: z.ZodError): string {
  const [first] = error.issues;
  if (!first) return 'does not match the expected shape';
  const path = first.path.map(String).join('.') || 'payload';
  const message = first.code === 'invalid_type' && /received undefined$/.test(first.message) ? 'missing' : first.message;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  const reason = `${path}: ${message}${more}`;
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason;
}

/** The payload as the schema reads it, or an InvalidPayloadError naming the first bad field. */
export function parsePayload<T extends z.ZodType>(event: string, schema: T, payload: unknown): z.infer<T> {
  const result = schema.safeParse(payload);
  if (!result.success) throw new InvalidPayloadError(event, shortReason(result.error));
  return result.data;
}

const RepoName = z.object({ name: z.string().min(1) });

/** `installation.created` and `installation_repositories.added`: the org, and the repositories the app can now reach. */
export const InstallationEvent = z.object({
  installation: z.object({ id: Id, account: z.object({ login: z.string().min(1) }) }),
  repositories: z.array(RepoName).optional(),
  repositories_added: z.array(RepoName).optional(),
});
export type InstallationEvent = z.infer<typeof InstallationEvent>;
