import type { Context } from 'probot';
import { z } from 'zod';
import type { ConfigRepos } from '../env/config-repos.js';
import type { Queues } from '../queue/queues.js';
import { driftTouch, eventRepository, isDriftEvent } from './drift-events.js';
import type { DeliveryOutcome } from './index.js';
import { parsePayload } from './payload.js';

export interface DriftHandlerOptions {
  queues: Queues;
  configRepos: ConfigRepos;
  debounceMs: number;
  /**
   * The app's slug: an event whose sender is `<slug>[bot]` is the echo of Converge's own write
   * (a revert, an apply) and costs nothing. Asked once per process; undefined when unknown, and
   * then no event is taken for an echo (the drift job finds nothing to do, and the revert limit
   * bounds any loop).
   */
  appSlug?: () => Promise<string | undefined>;
  now?: () => Date;
}

const Installation = z.object({ installation: z.object({ id: z.number().int().positive() }) });

/**
 * Events that report changes to managed resources: mapped to the keys they touch, filtered,
 * and handed to the drift job of each config repo of the org. Returns undefined for every
 * other delivery, and for events on a config repo itself (Converge's footprint, never drift),
 * so that the app's own handlers see those (`repository.created` of a config repo onboards it).
 */
export function driftHandler(options: DriftHandlerOptions): (context: Context, name: string, action: string) => Promise<DeliveryOutcome | undefined> {
  const now = options.now ?? (() => new Date());
  const ignored = (reason: string): DeliveryOutcome => ({ outcome: 'ignored', reason });
  return async (context, name, action) => {
    if (!isDriftEvent(`${name}.${action}`)) return undefined;
    const repo = eventRepository(context.payload);
    if (repo !== undefined && options.configRepos.matches(repo)) return undefined;
    const touch = driftTouch(name, action, context.payload, now());
    if (!touch) return ignored('no managed resource named');
    // Whoever sent it, Converge's bot included: events flow, and what they name was changed since any full run read it.
    await options.queues.activity.eventSeen(touch.org, touch.repos);
    if (touch.keys.length === 0) return ignored('no managed resource named');
    const slug = await options.appSlug?.();
    if (touch.sender.type === 'Bot' && slug !== undefined && touch.sender.login.toLowerCase() === `${slug.toLowerCase()}[bot]`) return ignored("the app's own change");
    // With a pattern the config repos are known only by listing the org, which a handler never
    // does: workers record what they listed. Until one has, the org's drift is left to the full run.
    const names = options.configRepos.names ?? (await options.queues.configRepos.known(touch.org));
    if (!names) return ignored('config repos named by pattern and not listed yet: drift is left to the full run');
    const { installation } = parsePayload(name, Installation, context.payload);
    const mark = { sender: touch.sender.login, at: touch.at, event: touch.event, ...(touch.url ? { url: touch.url } : {}) };
    for (const configRepo of names) {
      await options.queues.enqueueDrift({ installationId: installation.id, owner: touch.org, repo: configRepo }, touch.keys, mark, options.debounceMs);
    }
    return { outcome: 'enqueued', reason: `drift check of ${touch.keys.join(', ')}` };
  };
}
