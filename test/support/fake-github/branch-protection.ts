/**
 * Branch protection rules (GitHub's pattern-based rules, as GraphQL manages them). A REST
 * `PUT .../branches/{branch}/protection` creates the same kind of rule with the branch name as
 * its pattern; the fake serves the GraphQL side, which is what reads and writes use.
 */
import type { RepoRecord } from './repos.js';
import { nodeId, type World } from './world.js';

export type ActorRef = { type: 'User' | 'Team' | 'App'; id: number };

export interface ProtectionRecord {
  id: number;
  node_id: string;
  repoId: number;
  pattern: string;
  requiresApprovingReviews: boolean;
  requiredApprovingReviewCount: number | null;
  dismissesStaleReviews: boolean;
  requiresCodeOwnerReviews: boolean;
  requireLastPushApproval: boolean;
  requiresStatusChecks: boolean;
  requiresStrictStatusChecks: boolean;
  /** `appId` null: any app may set the status. */
  requiredStatusChecks: Array<{ context: string; appId: number | null }>;
  isAdminEnforced: boolean;
  restrictsPushes: boolean;
  pushAllowances: ActorRef[];
  requiresLinearHistory: boolean;
  allowsForcePushes: boolean;
  allowsDeletions: boolean;
  requiresConversationResolution: boolean;
  requiresCommitSignatures: boolean;
  blocksCreations: boolean;
  lockBranch: boolean;
}

const DEFAULTS: Omit<ProtectionRecord, 'id' | 'node_id' | 'repoId' | 'pattern'> = {
  requiresApprovingReviews: false,
  requiredApprovingReviewCount: null,
  dismissesStaleReviews: false,
  requiresCodeOwnerReviews: false,
  requireLastPushApproval: false,
  requiresStatusChecks: false,
  requiresStrictStatusChecks: false,
  requiredStatusChecks: [],
  isAdminEnforced: false,
  restrictsPushes: false,
  pushAllowances: [],
  requiresLinearHistory: false,
  allowsForcePushes: false,
  allowsDeletions: false,
  requiresConversationResolution: false,
  requiresCommitSignatures: false,
  blocksCreations: false,
  lockBranch: false,
};

/** Scalar inputs copied as they are (`CreateBranchProtectionRuleInput` spells them like the record). */
const SCALARS = [
  'requiresApprovingReviews',
  'requiredApprovingReviewCount',
  'dismissesStaleReviews',
  'requiresCodeOwnerReviews',
  'requireLastPushApproval',
  'requiresStatusChecks',
  'requiresStrictStatusChecks',
  'isAdminEnforced',
  'restrictsPushes',
  'requiresLinearHistory',
  'allowsForcePushes',
  'allowsDeletions',
  'requiresConversationResolution',
  'requiresCommitSignatures',
  'blocksCreations',
  'lockBranch',
] as const;

export class ProtectionError extends Error {}

export class ProtectionStore {
  private readonly byId = new Map<number, ProtectionRecord>();
  /** Rules per repository id, so listing one repository's rules never scans the org. */
  private readonly byRepo = new Map<number, Map<number, ProtectionRecord>>();

  constructor(private readonly world: World) {}

  list(repo: RepoRecord): ProtectionRecord[] {
    return [...(this.byRepo.get(repo.id)?.values() ?? [])].sort((a, b) => a.id - b.id);
  }

  get(id: number): ProtectionRecord | undefined {
    return this.byId.get(id);
  }

  /** `resolveActor` turns a pushActorIds node id into a user, team or app. */
  create(repo: RepoRecord, input: Record<string, unknown>, resolveActor: (id: string) => ActorRef | undefined): ProtectionRecord {
    const pattern = String(input.pattern ?? '');
    if (!pattern) throw new ProtectionError('Pattern can\'t be blank');
    if (this.list(repo).some((r) => r.pattern === pattern)) throw new ProtectionError(`Name already protected: ${pattern}`);
    const id = this.world.nextId();
    const rule: ProtectionRecord = { ...structuredClone(DEFAULTS), id, node_id: nodeId('BPR', id), repoId: repo.id, pattern };
    this.apply(rule, input, resolveActor);
    this.byId.set(id, rule);
    let own = this.byRepo.get(repo.id);
    if (!own) this.byRepo.set(repo.id, (own = new Map()));
    own.set(id, rule);
    return rule;
  }

  update(rule: ProtectionRecord, input: Record<string, unknown>, resolveActor: (id: string) => ActorRef | undefined): void {
    if (typeof input.pattern === 'string' && input.pattern !== rule.pattern) {
      const repo = this.world.repos.getById(rule.repoId)!;
      if (this.list(repo).some((r) => r.pattern === input.pattern)) throw new ProtectionError(`Name already protected: ${input.pattern}`);
      rule.pattern = input.pattern;
    }
    this.apply(rule, input, resolveActor);
  }

  delete(id: number): boolean {
    const rule = this.byId.get(id);
    if (rule) this.byRepo.get(rule.repoId)?.delete(id);
    return this.byId.delete(id);
  }

  private apply(rule: ProtectionRecord, input: Record<string, unknown>, resolveActor: (id: string) => ActorRef | undefined): void {
    const record = rule as unknown as Record<string, unknown>;
    for (const field of SCALARS) if (input[field] !== undefined && input[field] !== null) record[field] = input[field];
    const count = rule.requiredApprovingReviewCount;
    if (count !== null && (count < 0 || count > 6)) throw new ProtectionError('Required approving review count must be between 0 and 6');
    if (Array.isArray(input.requiredStatusChecks)) {
      rule.requiredStatusChecks = (input.requiredStatusChecks as Array<{ context: string; appId?: string | null }>).map((check) => {
        if (!check.appId || check.appId === 'any') return { context: check.context, appId: null };
        const actor = resolveActor(check.appId);
        if (actor?.type !== 'App') throw new ProtectionError(`Could not resolve to an App with the id ${check.appId}`);
        return { context: check.context, appId: actor.id };
      });
    } else if (Array.isArray(input.requiredStatusCheckContexts)) {
      rule.requiredStatusChecks = (input.requiredStatusCheckContexts as string[]).map((context) => ({ context, appId: null }));
    }
    if (Array.isArray(input.pushActorIds)) {
      rule.pushAllowances = (input.pushActorIds as string[]).map((id) => {
        const actor = resolveActor(id);
        if (!actor) throw new ProtectionError(`Could not resolve to a node with the global id of '${id}'`);
        return actor;
      });
    }
  }
}
