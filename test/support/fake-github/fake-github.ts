/**
 * A stateful fake of the GitHub API behind nock. Tests seed it, drive the app through real
 * Octokit clients, and read back both the state (what the app changed) and the request log
 * (what it cost). Every request is checked against GitHub's published descriptions; anything
 * GitHub would reject or the fake cannot answer is collected and fails `assertClean()`.
 */
import type { ProtectionRecord } from './branch-protection.js';
import type { CheckRunRecord } from './checks.js';
import type { InvitationRecord } from './collaborators.js';
import type { DeliveryRecord, DeliverySeed } from './deliveries.js';
import type { EnvironmentRecord } from './environments.js';
import type { CommitOptions } from './git-store.js';
import { intercept } from './intercept.js';
import type { CommentRecord, IssueRecord, IssueSeed } from './issues.js';
import type { LabelRecord, LabelSeed } from './labels.js';
import type { PullRecord, PullSeed } from './pulls.js';
import type { ReviewRecord, ReviewSeed } from './reviews.js';
import type { RepoRecord, RepoSeed } from './repos.js';
import type { Router } from './router.js';
import { buildRouter } from './routes.js';
import type { RulesetRecord } from './rulesets.js';
import type { TeamPermission, TeamRecord, TeamSeed } from './teams.js';
import type { AppRecord, OrgInvitationRecord, OrgRole, UserRecord } from './users.js';
import type { OrgVariableRecord, VariableRecord } from './variables.js';
import type { FakeResponse } from './http.js';
import { Transport, type DelayRule, type FailureRule, type RawRequest, type RequestRecord } from './transport.js';
import { World, type FakeGitHubOptions, type Urls } from './world.js';

export type RepoRef = string | RepoRecord;
export type RequestFilter =
  | ((request: RequestRecord) => boolean)
  | { method?: string; path?: RegExp | string; route?: string; kind?: RequestRecord['kind']; status?: number; etag304?: boolean };

export class FakeGitHub {
  readonly options: Readonly<FakeGitHubOptions>;
  private world!: World;
  private router!: Router;
  private transport!: Transport;
  private stopIntercepting: (() => void) | undefined;

  constructor(options: FakeGitHubOptions = {}) {
    this.options = { ...options };
    this.reset();
    this.start();
  }

  get urls(): Urls {
    return this.world.urls;
  }

  /** Every request so far, in arrival order. */
  get requests(): readonly RequestRecord[] {
    return this.transport.requests;
  }

  get violations(): readonly string[] {
    return this.transport.violations;
  }

  /** (Re)installs the nock interceptors, e.g. after `nock.cleanAll()`. */
  start(): this {
    this.stop();
    const { urls } = this.world;
    const targets = [{ origin: urls.apiOrigin, prefixes: [urls.apiPrefix, new URL(urls.graphql).pathname] }];
    const codeload = new URL(urls.codeload);
    if (codeload.origin === urls.apiOrigin) targets[0]!.prefixes.push(codeload.pathname);
    else targets.push({ origin: codeload.origin, prefixes: [''] });
    this.stopIntercepting = intercept(targets, (raw) => this.transport.handle(raw));
    return this;
  }

  stop(): void {
    this.stopIntercepting?.();
    this.stopIntercepting = undefined;
  }

  /** Answers one raw request, as nock or the HTTP server (`serve.ts`) hands it over. */
  receive(raw: RawRequest): Promise<FakeResponse> {
    return this.transport.handle(raw);
  }

  /** Forgets all state, the request log and violations; keeps intercepting. */
  reset(): void {
    this.world = new World(this.options);
    this.router = buildRouter(this.world);
    const ghe = this.world.urls.apiPrefix !== '';
    this.transport = new Transport(this.world, this.router, {
      spec: this.options.openapi ?? (ghe ? 'ghes-3.19' : 'api.github.com'),
      latencyMs: this.options.latencyMs ?? 0,
      checkResponses: this.options.checkResponses ?? false,
      rateLimit: this.options.rateLimit ?? 5000,
    });
  }

  // --- request log --------------------------------------------------------------------------

  count(filter: RequestFilter = () => true): number {
    return this.filter(filter).length;
  }

  filter(filter: RequestFilter): RequestRecord[] {
    if (typeof filter === 'function') return this.requests.filter(filter);
    return this.requests.filter(
      (r) =>
        (filter.method === undefined || r.method === filter.method.toUpperCase()) &&
        (filter.path === undefined || (typeof filter.path === 'string' ? r.path === filter.path : filter.path.test(r.path))) &&
        (filter.route === undefined || r.route === filter.route) &&
        (filter.kind === undefined || r.kind === filter.kind) &&
        (filter.status === undefined || r.status === filter.status) &&
        (filter.etag304 === undefined || (r.etag304 === true) === filter.etag304),
    );
  }

  resetLog(): void {
    this.transport.requests.length = 0;
  }

  /** Throws when any request was invalid for GitHub or unknown to the fake. */
  assertClean(): void {
    const violations = this.transport.violations;
    if (violations.length === 0) return;
    throw new Error(`FakeGitHub saw ${violations.length} problem(s):\n${violations.map((v) => `- ${v}`).join('\n')}`);
  }

  /** Returns and clears the violations, for tests that provoke them on purpose. */
  takeViolations(): string[] {
    return this.transport.violations.splice(0);
  }

  /** The next `times` requests matching answer `status` (with `body`, `headers`) instead. */
  failNext(rule: FailureRule): this {
    this.transport.failures.push({ ...rule, times: rule.times ?? 1 });
    return this;
  }

  /** Requests matching `rule` are answered `rule.ms` later until the fake is reset: a slow endpoint. */
  delay(rule: DelayRule): this {
    this.transport.delays.push(rule);
    return this;
  }

  /** Failure rules that have not fired (all of their `times`) yet. */
  pendingFailures(): ReadonlyArray<FailureRule & { times: number }> {
    return this.transport.failures;
  }

  rateLimit(resource: 'core' | 'graphql' = 'core'): { limit: number; remaining: number; used: number; reset: number } {
    const bucket = this.transport.buckets[resource];
    return { limit: bucket.limit, remaining: Math.max(bucket.limit - bucket.used, 0), used: bucket.used, reset: bucket.reset };
  }

  /** E.g. `{ remaining: 0 }` to make the next request fail as rate limited. */
  setRateLimit(change: { remaining?: number; limit?: number }, resource: 'core' | 'graphql' = 'core'): void {
    const bucket = this.transport.buckets[resource];
    if (change.limit !== undefined) bucket.limit = change.limit;
    if (change.remaining !== undefined) bucket.used = bucket.limit - change.remaining;
  }

  /** The routes the fake implements, as `METHOD /template`. */
  routes(): string[] {
    return this.router.routes();
  }

  // --- repositories and labels --------------------------------------------------------------

  /** Seeds a repository (GitHub's defaults for anything not given), optionally with labels. */
  addRepo(seed: RepoSeed & { labels?: Array<LabelSeed | string> }): RepoRecord {
    const { labels, ...rest } = seed;
    const repo = this.world.repos.add(rest);
    for (const label of labels ?? []) this.world.labels.add(repo, typeof label === 'string' ? { name: label } : label);
    return repo;
  }

  /** The live record: mutate it to simulate drift made outside the app. */
  repo(ref: RepoRef): RepoRecord {
    return this.world.repos.resolve(ref);
  }

  repos(owner: string = this.world.org): RepoRecord[] {
    return [...this.world.repos.list(owner)];
  }

  addLabel(repo: RepoRef, seed: LabelSeed): LabelRecord {
    return this.world.labels.add(this.repo(repo), seed);
  }

  labels(repo: RepoRef): LabelRecord[] {
    return this.world.labels.list(this.repo(repo));
  }

  // --- git ----------------------------------------------------------------------------------

  /**
   * Commits `files` (null deletes) on top of the branch (default: the default branch; a new
   * branch starts from `from` or the default branch) and returns the new sha.
   */
  commit(repo: RepoRef, files: Record<string, string | null>, options: CommitOptions = {}): string {
    return this.world.git.commit(this.repo(repo), files, options);
  }

  /** Commits a snapshot that replaces every file on the branch. */
  setFiles(repo: RepoRef, snapshot: Record<string, string>, options: CommitOptions = {}): string {
    return this.world.git.setFiles(this.repo(repo), snapshot, options);
  }

  /** The head sha of a branch (default: the default branch). */
  head(repo: RepoRef, branch?: string): string | undefined {
    const record = this.repo(repo);
    return this.world.git.branchHead(record, branch ?? record.default_branch);
  }

  /** The files at a ref (default: the default branch). */
  files(repo: RepoRef, ref?: string): Record<string, string> {
    const record = this.repo(repo);
    const commit = this.world.git.resolve(record, ref ?? record.default_branch);
    if (!commit) return {};
    return Object.fromEntries([...commit.files].map(([path, sha]) => [path, this.world.git.blob(record, sha) ?? '']));
  }

  // --- checks, issues, pulls ----------------------------------------------------------------

  checkRuns(repo: RepoRef): CheckRunRecord[] {
    return this.world.checks.list(this.repo(repo));
  }

  addIssue(repo: RepoRef, seed: IssueSeed): IssueRecord {
    return this.world.issues.add(this.repo(repo), seed);
  }

  issues(repo: RepoRef): IssueRecord[] {
    return this.world.issues.list(this.repo(repo));
  }

  /**
   * A comment by `author` (a GitHub user, created when new; not an org member unless made one),
   * the app's bot when not given, or null for a deleted account.
   */
  addComment(repo: RepoRef, issueNumber: number, body: string, author?: string | null): CommentRecord {
    const record = this.repo(repo);
    const user = author === undefined ? this.world.bot : author === null ? null : { ...this.world.users.add({ login: author }), type: 'User' as const };
    return this.world.issues.addComment(record, issueNumber, body, user);
  }

  comments(repo: RepoRef, issueNumber?: number): CommentRecord[] {
    return this.world.issues.comments(this.repo(repo), issueNumber);
  }

  addPull(repo: RepoRef, seed: PullSeed): PullRecord {
    return this.world.pulls.add(this.repo(repo), seed);
  }

  pulls(repo: RepoRef): PullRecord[] {
    return this.world.pulls.list(this.repo(repo));
  }

  /** The live record of one pull request; throws when there is none. */
  pull(repo: RepoRef, number: number): PullRecord {
    const record = this.repo(repo);
    const pull = this.world.pulls.get(record, number);
    if (!pull) throw new Error(`the fake has no pull request #${number} in ${record.owner}/${record.name}`);
    return pull;
  }

  /** A review of the PR by `seed.login`, at its head now unless `commitId` says otherwise. */
  submitReview(repo: RepoRef, number: number, seed: ReviewSeed): ReviewRecord {
    return this.world.reviews.submit(this.repo(repo), number, seed);
  }

  /** Dismisses a review, as a maintainer would: its state becomes DISMISSED. */
  dismissReview(repo: RepoRef, reviewId: number): ReviewRecord {
    return this.world.reviews.dismiss(this.repo(repo), reviewId);
  }

  reviews(repo: RepoRef, number: number): ReviewRecord[] {
    return this.world.reviews.list(this.repo(repo), number);
  }

  /** Closes a pull request without merging, as someone clicking "Close" would. */
  closePull(repo: RepoRef, number: number): PullRecord {
    const pull = this.pull(repo, number);
    this.world.pulls.close(pull);
    return pull;
  }

  /** Merges an open pull request: the base branch moves to the head commit (a fast-forward). */
  mergePull(repo: RepoRef, number: number): PullRecord {
    const pull = this.pull(repo, number);
    this.world.pulls.merge(this.repo(repo), pull);
    return pull;
  }

  // --- people: users, apps, org membership, teams -----------------------------------------

  /** A GitHub user who exists (not an org member unless `role` is given). */
  addUser(login: string, role?: OrgRole): UserRecord {
    const user = this.world.users.add({ login });
    if (role) this.world.users.setRole(login, role);
    return user;
  }

  /** Makes a user (created when new) a member of the org with this role. */
  setMember(login: string, role: OrgRole = 'member'): void {
    this.world.users.setRole(login, role);
  }

  /** The user leaves the org (their team memberships stay, as a test may want to see them). */
  removeMember(login: string): void {
    this.world.users.setRole(login, undefined);
  }

  members(role: 'all' | OrgRole = 'all'): UserRecord[] {
    return this.world.users.members(role);
  }

  /** Org invitations sent so far (adding a non-member to a team sends one). */
  orgInvitations(): readonly OrgInvitationRecord[] {
    return this.world.users.invitations;
  }

  addApp(slug: string, name?: string): AppRecord {
    return this.world.users.addApp({ slug, ...(name ? { name } : {}) });
  }

  /** Seeds a team; its members and maintainers are made org members. */
  addTeam(seed: TeamSeed & { repos?: Record<string, TeamPermission> }): TeamRecord {
    for (const login of [...(seed.members ?? []), ...(seed.maintainers ?? [])]) {
      if (!this.world.users.isMember(login)) this.world.users.setRole(login, 'member');
    }
    const team = this.world.teams.add(seed);
    for (const [repo, permission] of Object.entries(seed.repos ?? {})) team.repos.set(this.repo(repo).id, permission);
    return team;
  }

  /** The live record: mutate it to simulate drift. */
  team(slug: string): TeamRecord {
    const team = this.world.teams.get(slug);
    if (!team) throw new Error(`the fake has no team ${slug}`);
    return team;
  }

  teams(): TeamRecord[] {
    return this.world.teams.list();
  }

  // --- repository access and policies -------------------------------------------------------

  setCollaborator(repo: RepoRef, login: string, permission: TeamPermission): void {
    this.world.collaborators.set(this.repo(repo), login, permission);
  }

  collaborators(repo: RepoRef): Array<{ login: string; permission: TeamPermission }> {
    return this.world.collaborators.list(this.repo(repo)).map((c) => ({ login: c.user.login, permission: c.permission }));
  }

  invitations(repo: RepoRef): InvitationRecord[] {
    return this.world.collaborators.invitations(this.repo(repo));
  }

  acceptInvitation(repo: RepoRef, login: string): void {
    this.world.collaborators.accept(this.repo(repo), login);
  }

  /** Seeds a protection rule: `pattern` plus any of the record's fields (GitHub's defaults otherwise). */
  addProtection(repo: RepoRef, rule: { pattern: string } & Partial<Omit<ProtectionRecord, 'id' | 'node_id' | 'repoId'>>): ProtectionRecord {
    const record = this.world.protections.create(this.repo(repo), { pattern: rule.pattern }, () => undefined);
    return Object.assign(record, rule);
  }

  /** Seeds a ruleset with REST body fields (`name`, `enforcement`, `rules`, ...); no repo = the org's. */
  addRuleset(repo: RepoRef | undefined, body: Record<string, unknown>): RulesetRecord {
    return this.world.rulesets.create(repo === undefined ? { kind: 'org' } : { kind: 'repo', repo: this.repo(repo) }, body);
  }

  protections(repo: RepoRef): ProtectionRecord[] {
    return this.world.protections.list(this.repo(repo));
  }

  rulesets(repo?: RepoRef): RulesetRecord[] {
    return this.world.rulesets.list(repo === undefined ? { kind: 'org' } : { kind: 'repo', repo: this.repo(repo) });
  }

  environments(repo: RepoRef): EnvironmentRecord[] {
    return this.world.environments.list(this.repo(repo));
  }

  /** Creates or updates an environment with REST `PUT` fields. */
  putEnvironment(repo: RepoRef, name: string, body: Record<string, unknown> = {}): EnvironmentRecord {
    return this.world.environments.put(this.repo(repo), name, body);
  }

  variables(repo: RepoRef): VariableRecord[] {
    return [...this.world.variables.of(this.repo(repo)).values()];
  }

  addVariable(repo: RepoRef, name: string, value: string): VariableRecord {
    return this.world.variables.add(this.repo(repo), name, value);
  }

  orgVariables(): OrgVariableRecord[] {
    return [...this.world.variables.org.values()];
  }

  // --- the app webhook's deliveries ---------------------------------------------------------

  /** A delivery GitHub made (or failed to make) to the app: 200 now unless the seed says otherwise. */
  addDelivery(seed: DeliverySeed = {}): DeliveryRecord {
    return this.world.deliveries.add(seed);
  }

  /** Every delivery, newest first, redeliveries included. */
  deliveries(): DeliveryRecord[] {
    return this.world.deliveries.list();
  }

  /** The deliveries `POST /app/hook/deliveries/{id}/attempts` made, in order; `redeliveryOf` names the one asked for. */
  redeliveries(): DeliveryRecord[] {
    return this.world.deliveries.redeliveries();
  }
}
