/**
 * How often, and how much, a full run reads: a scheduled run of the default cron waits while
 * GitHub's events are flowing (`notDueYet`), and a scheduled run that does read reuses what
 * earlier runs read of repositories nothing says changed (`liveReuse`).
 */
import { configRepos } from '../env/config-repos.js';
import type { LiveReuse } from '../providers/github/index.js';
import type { FullRunJob } from '../queue/jobs.js';
import type { WorkerContext } from './context.js';

const DAY_MS = 86_400_000;
/** Events are flowing for an org while its last one arrived at most this long ago. */
const EVENTS_FLOWING_MS = DAY_MS;
/**
 * The default cron fires once a day at the same minute: half a day's slack keeps a run that
 * started late (its config repo was busy) from putting the next one off by a whole day.
 */
const DUE_SLACK_MS = DAY_MS / 2;

export interface NotDue {
  lastEventAt: number;
  lastRunAt: number;
  /** The first scheduled run from this time on runs. */
  dueAt: number;
}

/**
 * Why a run of the default schedule may wait, or undefined when it runs: events for the org
 * are flowing, so they find drift within seconds, and the last full run is more recent than
 * `schedule.everyDaysWithEvents` days. Only the scheduler's own runs wait: a comment or the
 * operator's CLI always runs. With config repos named by pattern, events reach drift checks
 * only once a worker has listed the config repos (drift-handler.ts), so the full run never waits.
 */
export async function notDueYet(job: FullRunJob, context: WorkerContext, nowMs: number): Promise<NotDue | undefined> {
  const every = job.defaultSchedule?.everyDaysWithEvents;
  if (job.reason !== 'schedule' || every === undefined || !context.activity || !context.fullRuns) return undefined;
  if (!configRepos(context.env.CONVERGE_CONFIG_REPO).names) return undefined;
  const lastEventAt = await context.activity.lastEventAt(job.owner);
  if (lastEventAt === undefined || nowMs - lastEventAt > EVENTS_FLOWING_MS) return undefined;
  const lastRunAt = await context.fullRuns.lastFinishedAt(job);
  if (lastRunAt === undefined) return undefined;
  const dueAt = lastRunAt + every * DAY_MS - DUE_SLACK_MS;
  return nowMs < dueAt ? { lastEventAt, lastRunAt, dueAt } : undefined;
}

/**
 * Whether this run may stand what earlier full runs read in for repositories nothing says
 * changed (a warm run). Only scheduled runs do: one someone asked for (`/converge full-run`,
 * `npm run full-run`) reads everything. So do runs whose installation's events are unknown.
 */
export async function liveReuse(job: FullRunJob, context: WorkerContext): Promise<{ reuseLive?: LiveReuse }> {
  const hours = context.env.CONVERGE_FULL_RUN_REUSE_HOURS;
  if (job.reason !== 'schedule' || hours === 0 || !context.installationEvents) return {};
  const events = await context.installationEvents(job.installationId);
  return events ? { reuseLive: { maxAgeMs: hours * 3_600_000, events } } : {};
}

