/**
 * Which managed resources a GitHub event says were changed: a pure mapping from an event (name,
 * action, payload) to resource keys, with who changed them, when, and a link to the subject.
 * The drift job re-reads only these keys, and only those the model declares, so a key here that
 * nothing declares costs nothing beyond the handler. Payload fields are read through zod
 * schemas, like every other handler's: a signed payload lacking one is answered 400.
 */
import { z } from 'zod';
import { parsePayload } from './payload.js';

/** What one event tells the drift job. */
export interface DriftTouch {
  /** The org the event is about. */
  org: string;
  /** Resource keys (`github.label/api/bug`), the default target's. */
  keys: string[];
  /** The repositories it names (a rename: both names), whose next full run must read them again. */
  repos: string[];
  /** The event's sender: who changed it. */
  sender: { login: string; type: string };
  /** When it changed (ISO 8601): the payload's own time where it carries one, else the delivery's. */
  at: string;
  /** The subject's page on GitHub. */
  url?: string;
  /** `label.edited` and the like: for the issue and logs. */
  event: string;
}

/** Every event and action the drift handler maps; app.yml subscribes to these events. */
export const DRIFT_EVENTS = [
  ...['edited', 'renamed', 'archived', 'unarchived', 'privatized', 'publicized', 'created', 'deleted', 'transferred'].map((a) => `repository.${a}`),
  ...['created', 'edited', 'deleted'].map((a) => `label.${a}`),
  ...['created', 'edited', 'deleted', 'added_to_repository', 'removed_from_repository'].map((a) => `team.${a}`),
  'membership.added',
  'membership.removed',
  ...['added', 'edited', 'removed'].map((a) => `member.${a}`),
  'organization.member_added',
  'organization.member_removed',
  ...['created', 'edited', 'deleted'].map((a) => `branch_protection_rule.${a}`),
  ...['created', 'edited', 'deleted'].map((a) => `repository_ruleset.${a}`),
] as const;

const names = new Set<string>(DRIFT_EVENTS);
export const isDriftEvent = (name: string): boolean => names.has(name);

const Name = z.string().min(1);
const Sender = z.object({ login: Name, type: z.string() });
const Org = z.object({ login: Name });
const Repo = z.object({ name: Name, html_url: z.string().optional(), updated_at: z.string().nullish(), owner: z.object({ login: Name }) });
/** `changes.name.from` (a rename): the old key is touched too, since a model may still declare it. */
const Renamed = z.object({ name: z.object({ from: z.string() }).optional() }).optional();

const Common = z.object({ sender: Sender, organization: Org.optional() });

const RepositoryEvent = Common.extend({
  repository: Repo,
  changes: z.object({ repository: z.object({ name: z.object({ from: z.string() }).optional() }).optional() }).optional(),
});
const LabelEvent = Common.extend({ repository: Repo, label: z.object({ name: Name }), changes: Renamed });
const TeamEvent = Common.extend({ team: z.object({ slug: Name, html_url: z.string().optional() }), repository: Repo.optional() });
const MembershipEvent = Common.extend({ team: z.object({ slug: Name, html_url: z.string().optional() }).optional(), scope: z.string().optional() });
const MemberEvent = Common.extend({ repository: Repo, member: z.object({ login: Name }) });
const OrgMemberEvent = Common.extend({ membership: z.object({ user: z.object({ login: Name, html_url: z.string().optional() }).nullable() }) });
const ProtectionEvent = Common.extend({ repository: Repo, rule: z.object({ name: Name }) });
const RulesetEvent = Common.extend({
  repository: Repo.optional(),
  repository_ruleset: z.object({ name: Name, source_type: z.string().optional() }),
  changes: Renamed,
});

/** Renames leave an empty or repeated key out. */
const unique = (keys: Array<string | undefined>) => [...new Set(keys.filter((k): k is string => k !== undefined && !k.endsWith('/')))];

/**
 * The keys an event touches, or undefined for one it does not map (an unknown action, a team
 * membership of another scope, an org member invited but not yet a member). `receivedAt` is
 * the delivery's time, used when the payload carries none of its own.
 */
export function driftTouch(event: string, action: string, payload: unknown, receivedAt: Date): DriftTouch | undefined {
  const name = `${event}.${action}`;
  if (!isDriftEvent(name)) return undefined;
  const common = parsePayload(event, Common, payload);
  const base = { sender: common.sender, at: receivedAt.toISOString(), event: name };
  const orgOf = (repo?: z.infer<typeof Repo>) => common.organization?.login ?? repo?.owner.login;
  const touch = (org: string | undefined, keys: Array<string | undefined>, url?: string, repos: Array<string | undefined> = []): DriftTouch | undefined =>
    org === undefined ? undefined : { ...base, org, keys: unique(keys), repos: unique(repos), ...(url ? { url } : {}) };

  switch (event) {
    case 'repository': {
      const { repository: repo, changes } = parsePayload(event, RepositoryEvent, payload);
      const from = changes?.repository?.name?.from;
      // updated_at is when the repository's settings last changed: this edit.
      const at = repo.updated_at && !Number.isNaN(Date.parse(repo.updated_at)) ? new Date(repo.updated_at).toISOString() : base.at;
      const out = touch(orgOf(repo), [`github.repository/${repo.name}`, from === undefined ? undefined : `github.repository/${from}`], repo.html_url, [repo.name, from]);
      return out && { ...out, at };
    }
    case 'label': {
      const { repository: repo, label, changes } = parsePayload(event, LabelEvent, payload);
      const from = changes?.name?.from;
      return touch(orgOf(repo), [`github.label/${repo.name}/${label.name}`, from === undefined ? undefined : `github.label/${repo.name}/${from}`], repo.html_url && `${repo.html_url}/labels`, [repo.name]);
    }
    case 'team': {
      const { team, repository: repo } = parsePayload(event, TeamEvent, payload);
      const grant = repo ? `github.team-repository/${team.slug}/${repo.name}` : undefined;
      return touch(orgOf(repo), [`github.team/${team.slug}`, grant], team.html_url, [repo?.name]);
    }
    case 'membership': {
      const { team, scope } = parsePayload(event, MembershipEvent, payload);
      // Members and maintainers are part of the team's spec.
      if (!team || (scope !== undefined && scope !== 'team')) return undefined;
      return touch(orgOf(), [`github.team/${team.slug}`], team.html_url);
    }
    case 'member': {
      const { repository: repo, member } = parsePayload(event, MemberEvent, payload);
      return touch(orgOf(repo), [`github.collaborator/${repo.name}/${member.login}`], repo.html_url && `${repo.html_url}/settings/access`, [repo.name]);
    }
    case 'organization': {
      const { membership } = parsePayload(event, OrgMemberEvent, payload);
      if (!membership.user) return undefined;
      return touch(orgOf(), [`github.member/${membership.user.login}`], membership.user.html_url);
    }
    case 'branch_protection_rule': {
      const { repository: repo, rule } = parsePayload(event, ProtectionEvent, payload);
      return touch(orgOf(repo), [`github.branch-protection/${repo.name}/${rule.name}`], repo.html_url && `${repo.html_url}/settings/branches`, [repo.name]);
    }
    case 'repository_ruleset': {
      const { repository: repo, repository_ruleset: ruleset, changes } = parsePayload(event, RulesetEvent, payload);
      const from = changes?.name?.from;
      const key = (n: string) => (ruleset.source_type === 'Organization' || !repo ? `github.org-ruleset/${n}` : `github.ruleset/${repo.name}/${n}`);
      return touch(orgOf(repo), [key(ruleset.name), from === undefined ? undefined : key(from)], repo?.html_url && `${repo.html_url}/rules`, [repo?.name]);
    }
    default:
      return undefined;
  }
}

/** The repository an event is about, when it is about one: events on a config repo are Converge's footprint. */
export function eventRepository(payload: unknown): string | undefined {
  const parsed = z.object({ repository: z.object({ name: z.string() }) }).safeParse(payload);
  return parsed.success ? parsed.data.repository.name : undefined;
}
