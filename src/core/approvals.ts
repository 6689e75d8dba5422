import { resourceKey } from './resource.js';

/**
 * Who must approve a plan before it may merge, as data. Requirements come from the changed
 * resources' owners (`approvals.required: owners` in converge.yml) and from policy rules with
 * `effect: require-approval`; the host checks them against the pull request's reviews.
 */
export interface ApprovalRequirement {
  /** What asks for it, for people: `owners of github.repository/api`, or the policy rule's name. */
  reason: string;
  /** Where it comes from: the resources' owners, or a policy rule. */
  source: 'owners' | 'rule';
  /** Who may approve: `@org/team` (any member) or `@user`. */
  approvers: string[];
  /** How many different people among them must approve (N of M). */
  count: number;
  /** Keys of the changed resources it covers. */
  resources: string[];
}

/**
 * One requirement per changed resource that has owners: "1 of its owners". A change counts
 * when it would run: not a no-op, not blocked by policy (a blocked deletion or a read-only
 * kind's difference is only reported). The owners are those the base declares, when it names
 * any (`ownersAtBase`): a PR that also edits `owners` cannot hand its own change to someone
 * else to approve. A resource the base does not own (a new one) asks the owners the PR gives it.
 */
export function ownerRequirements(
  changes: ReadonlyArray<{ kind: string; target: string; name: string; fromName?: string | undefined; action: string; blocked?: string | undefined; owners: readonly string[] }>,
  ownersAtBase: (ref: { kind: string; target: string; name: string }) => readonly string[] | undefined = () => undefined,
): ApprovalRequirement[] {
  const requirements: ApprovalRequirement[] = [];
  for (const change of changes) {
    if (change.action === 'noop' || change.blocked) continue;
    const atBase = ownersAtBase(change) ?? (change.fromName ? ownersAtBase({ ...change, name: change.fromName }) : undefined);
    const owners = atBase && atBase.length > 0 ? atBase : change.owners;
    if (owners.length === 0) continue;
    const key = resourceKey(change);
    requirements.push({ reason: `owners of ${key}`, source: 'owners', approvers: [...new Set(owners)], count: 1, resources: [key] });
  }
  return requirements;
}

/**
 * The same requirements with those that ask the same thing merged: owner requirements with the
 * same approvers, rule requirements of the same rule, approvers and count. Each merged one is
 * satisfied exactly when each of its parts is, so evaluating the merged list is the same.
 */
export function mergeRequirements(requirements: readonly ApprovalRequirement[]): ApprovalRequirement[] {
  const merged = new Map<string, ApprovalRequirement>();
  for (const r of requirements) {
    const approvers = [...new Set(r.approvers)].sort((a, b) => a.localeCompare(b));
    const key = JSON.stringify([r.source, r.source === 'rule' ? r.reason : '', approvers.map((a) => a.toLowerCase()), r.count]);
    const known = merged.get(key);
    if (known) {
      known.resources.push(...r.resources.filter((k) => !known.resources.includes(k)));
      if (known.source === 'owners') known.reason = `owners of ${known.resources.length} resources`;
    } else merged.set(key, { ...r, approvers, resources: [...r.resources] });
  }
  return [...merged.values()];
}

/** A pull request review as GitHub lists it (chronological order). */
export interface Review {
  id: number;
  /** Null for a deleted account. */
  user: { login: string; type?: string | undefined } | null;
  /** APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING. */
  state: string;
  /** The PR head the review was given at. */
  commitId: string | null;
  submittedAt?: string | null | undefined;
}

/** Review states that set a reviewer's verdict; a comment does not change it. */
const VERDICTS = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

/**
 * Who approved the PR at `headSha`, by GitHub's review semantics: each reviewer's latest
 * verdict counts (a later change request or a dismissal cancels an approval; a comment changes
 * nothing), and only an approval given at `headSha` (an approval of an earlier commit approved
 * another plan, whatever the branch's "dismiss stale approvals" setting). The PR author's own
 * approval never counts, nor an app's (`type: Bot`). Logins as GitHub spells them.
 */
export function approversAtHead(reviews: readonly Review[], pull: { headSha: string; author: string | undefined }): string[] {
  const ordered = [...reviews].sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? '') || a.id - b.id);
  const latest = new Map<string, Review>();
  for (const review of ordered) {
    if (!review.user || !VERDICTS.has(review.state.toUpperCase())) continue;
    latest.set(review.user.login.toLowerCase(), review);
  }
  const author = pull.author?.toLowerCase();
  const approvers: string[] = [];
  for (const [login, review] of latest) {
    if (review.state.toUpperCase() !== 'APPROVED' || review.commitId?.toLowerCase() !== pull.headSha.toLowerCase()) continue;
    if (login === author || review.user!.type === 'Bot') continue;
    approvers.push(review.user!.login);
  }
  return approvers;
}

/** An approver handle: `@org/team` (any active member of the team) or `@user`. */
export type Approver = { kind: 'team'; handle: string; org: string; team: string } | { kind: 'user'; handle: string; login: string };

export function parseApprover(handle: string): Approver {
  const bare = handle.trim().replace(/^@/, '');
  const slash = bare.indexOf('/');
  if (slash > 0 && slash < bare.length - 1) return { kind: 'team', handle, org: bare.slice(0, slash), team: bare.slice(slash + 1) };
  return { kind: 'user', handle, login: bare };
}

/** Whether `login` is an active member of `org`'s team `team` (the host asks GitHub, once each). */
export type IsTeamMember = (org: string, team: string, login: string) => boolean;

/** The team memberships `evaluateApprovals` needs answered: each team approver × each login that approved. */
export function membershipQuestions(requirements: readonly ApprovalRequirement[], logins: readonly string[]): Array<{ org: string; team: string; login: string }> {
  const seen = new Set<string>();
  const questions: Array<{ org: string; team: string; login: string }> = [];
  for (const requirement of requirements) {
    for (const approver of requirement.approvers.map(parseApprover)) {
      if (approver.kind !== 'team') continue;
      for (const login of logins) {
        const key = `${approver.org}/${approver.team}:${login}`.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        questions.push({ org: approver.org, team: approver.team, login });
      }
    }
  }
  return questions;
}

export interface RequirementStatus {
  requirement: ApprovalRequirement;
  /** The different people whose approval counts for it. */
  approvedBy: string[];
  satisfied: boolean;
}

/** One approver handle across every requirement naming it: what waits for it, who approved for it. */
export interface OwnerStatus {
  owner: string;
  /** Logins whose approval counts as this owner's (the user, or the team's members). */
  approvedBy: string[];
  /** Resources of requirements naming this owner that are still not satisfied. */
  waiting: string[];
  /** Every resource of requirements naming this owner. */
  resources: string[];
  /** Every requirement naming this owner is satisfied (by this owner or another). */
  satisfied: boolean;
}

export interface ApprovalEvaluation {
  /** Every requirement is satisfied (true when there are none). */
  satisfied: boolean;
  requirements: RequirementStatus[];
  owners: OwnerStatus[];
}

/**
 * Which requirements `logins` (the people who approved at the head, see approversAtHead)
 * satisfy. A requirement is satisfied once `count` different people among its approvers
 * approved; a team approver is any member `isMember` confirms. Pure: memberships are asked
 * before (membershipQuestions) and answered through `isMember`.
 */
export function evaluateApprovals(requirements: readonly ApprovalRequirement[], logins: readonly string[], isMember: IsTeamMember): ApprovalEvaluation {
  const matches = (approver: Approver, login: string) =>
    approver.kind === 'user' ? approver.login.toLowerCase() === login.toLowerCase() : isMember(approver.org, approver.team, login);
  const byOwner = new Map<string, OwnerStatus>();
  const statuses = requirements.map((requirement): RequirementStatus => {
    const approvers = requirement.approvers.map(parseApprover);
    const approvedBy = logins.filter((login) => approvers.some((a) => matches(a, login)));
    const satisfied = approvedBy.length >= Math.max(1, requirement.count);
    for (const approver of approvers) {
      const key = approver.handle.toLowerCase();
      let owner = byOwner.get(key);
      if (!owner) byOwner.set(key, (owner = { owner: approver.handle, approvedBy: logins.filter((login) => matches(approver, login)), waiting: [], resources: [], satisfied: true }));
      if (!satisfied) owner.satisfied = false;
      for (const resource of requirement.resources) {
        if (!owner.resources.includes(resource)) owner.resources.push(resource);
        if (!satisfied && !owner.waiting.includes(resource)) owner.waiting.push(resource);
      }
    }
    return { requirement, approvedBy, satisfied };
  });
  return { satisfied: statuses.every((s) => s.satisfied), requirements: statuses, owners: [...byOwner.values()] };
}
