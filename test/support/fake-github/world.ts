/**
 * Everything the fake knows: URLs, a deterministic clock and id sequence, and one store per
 * area. Stores hold plain records keyed for O(1) lookup and render GitHub's JSON on demand,
 * so a 5,000-repository org costs nothing per request beyond the page it answers.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { OpenApiSpecName } from '../openapi.js';
import { ProtectionStore } from './branch-protection.js';
import { CheckStore } from './checks.js';
import { CollaboratorStore } from './collaborators.js';
import { DeliveryStore } from './deliveries.js';
import { EnvironmentStore } from './environments.js';
import { GitStore } from './git-store.js';
import { IssueStore } from './issues.js';
import { LabelStore } from './labels.js';
import { PullStore } from './pulls.js';
import { RepoStore } from './repos.js';
import { ReviewStore } from './reviews.js';
import { RulesetStore } from './rulesets.js';
import { TeamStore } from './teams.js';
import { UserStore } from './users.js';
import { VariableStore } from './variables.js';

/** The events app.yml subscribes the app to. */
const APP_EVENTS: readonly string[] = (parse(readFileSync(new URL('../../../app.yml', import.meta.url), 'utf8')) as { default_events: string[] }).default_events;

export interface FakeGitHubOptions {
  /** REST base URL; `https://ghe.example.com/api/v3` fakes GitHub Enterprise Server. */
  baseUrl?: string;
  /** The organization repositories belong to unless `owner` says otherwise. Default `acme`. */
  org?: string;
  installationId?: number;
  /** The app's slug; it acts as `<slug>[bot]`. Default `converge`. */
  appSlug?: string;
  appId?: number;
  /**
   * The events the installation is subscribed to (`GET /app/installations/{id}`). Default:
   * app.yml's `default_events`, as an installation of the shipped registration has them.
   */
  installationEvents?: string[];
  /** Delay every response by this many milliseconds (benchmarks). */
  latencyMs?: number;
  /** Which published description requests are checked against; GHE URLs default to GHES. */
  openapi?: OpenApiSpecName;
  /** Also check the fake's own responses against the description (the fake's tests use it). */
  checkResponses?: boolean;
  /** Requests per hour before GitHub answers 403 rate limited. Default 5,000. */
  rateLimit?: number;
  /**
   * The app's public key (PEM). When given, app-authenticated routes (`/app/...`) verify the
   * JWT's RS256 signature and answer 401 as GitHub does for a token signed by another key.
   */
  appPublicKey?: string;
}

export interface Urls {
  /** `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  api: string;
  /** Origin of `api` and the path prefix REST paths are under (`/api/v3` on GHE, else ''). */
  apiOrigin: string;
  apiPrefix: string;
  web: string;
  graphql: string;
  codeload: string;
}

export function urlsFor(baseUrl: string): Urls {
  const url = new URL(baseUrl);
  const api = baseUrl.replace(/\/+$/, '');
  if (url.hostname === 'api.github.com') {
    return {
      api,
      apiOrigin: url.origin,
      apiPrefix: '',
      web: 'https://github.com',
      graphql: 'https://api.github.com/graphql',
      codeload: 'https://codeload.github.com',
    };
  }
  // GitHub Enterprise Server serves everything from one host.
  return {
    api,
    apiOrigin: url.origin,
    apiPrefix: url.pathname.replace(/\/+$/, ''),
    web: url.origin,
    graphql: `${url.origin}/api/graphql`,
    codeload: `${url.origin}/_codeload`,
  };
}

export interface Actor {
  login: string;
  id: number;
  type: 'Bot' | 'User' | 'Organization';
}

export class World {
  readonly urls: Urls;
  readonly org: string;
  readonly installationId: number;
  readonly appId: number;
  readonly appSlug: string;
  readonly appPublicKey: string | undefined;
  installationEvents: string[];
  readonly bot: Actor;
  private tick = 0;
  private id = 1000;

  readonly repos: RepoStore;
  readonly labels: LabelStore;
  readonly git: GitStore;
  readonly checks: CheckStore;
  readonly issues: IssueStore;
  readonly pulls: PullStore;
  readonly reviews: ReviewStore;
  readonly users: UserStore;
  readonly teams: TeamStore;
  readonly collaborators: CollaboratorStore;
  readonly protections: ProtectionStore;
  readonly rulesets: RulesetStore;
  readonly environments: EnvironmentStore;
  readonly variables: VariableStore;
  readonly deliveries: DeliveryStore;

  constructor(options: FakeGitHubOptions) {
    this.urls = urlsFor(options.baseUrl ?? 'https://api.github.com');
    this.org = options.org ?? 'acme';
    this.installationId = options.installationId ?? 1;
    this.appId = options.appId ?? 1;
    this.appSlug = options.appSlug ?? 'converge';
    this.appPublicKey = options.appPublicKey;
    this.installationEvents = options.installationEvents ?? [...APP_EVENTS];
    this.bot = { login: `${this.appSlug}[bot]`, id: 9000, type: 'Bot' };
    this.repos = new RepoStore(this);
    this.labels = new LabelStore(this);
    this.git = new GitStore(this);
    this.checks = new CheckStore(this);
    this.issues = new IssueStore(this);
    this.pulls = new PullStore(this);
    this.reviews = new ReviewStore(this);
    this.users = new UserStore(this);
    this.teams = new TeamStore(this);
    this.collaborators = new CollaboratorStore(this);
    this.protections = new ProtectionStore(this);
    this.rulesets = new RulesetStore(this);
    this.environments = new EnvironmentStore(this);
    this.variables = new VariableStore(this);
    this.deliveries = new DeliveryStore(this);
  }

  /** A fixed, advancing clock: timestamps are reproducible and strictly increasing. */
  now(): string {
    return new Date(Date.UTC(2025, 0, 1) + this.tick++ * 1000).toISOString().replace('.000Z', 'Z');
  }

  nextId(): number {
    return ++this.id;
  }
}

/** GitHub's `node_id` style: a type prefix and an opaque suffix. */
export function nodeId(prefix: string, id: number): string {
  return `${prefix}_kgDO${Buffer.from(`0${id}`).toString('base64url')}`;
}

/** The inverse of `nodeId`: which prefix and id a node id names, or undefined for another shape. */
export function parseNodeId(id: string): { prefix: string; id: number } | undefined {
  const m = /^([A-Z]+)_kgDO(.+)$/.exec(id);
  if (!m) return undefined;
  const decoded = Buffer.from(m[2]!, 'base64url').toString('utf8');
  return /^0\d+$/.test(decoded) ? { prefix: m[1]!, id: Number(decoded.slice(1)) } : undefined;
}

/** The `simple-user` object GitHub nests as `owner`, `user`, `account`. */
export function userJson(world: World, actor: Actor): Record<string, unknown> {
  const api = world.urls.api;
  const isOrg = actor.type === 'Organization';
  const base = `${api}/users/${encodeURIComponent(actor.login)}`;
  return {
    login: actor.login,
    id: actor.id,
    node_id: nodeId(isOrg ? 'O' : actor.type === 'Bot' ? 'BOT' : 'U', actor.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${actor.id}?v=4`,
    gravatar_id: '',
    url: base,
    html_url: `${world.urls.web}/${actor.type === 'Bot' ? 'apps/' + world.appSlug : actor.login}`,
    followers_url: `${base}/followers`,
    following_url: `${base}/following{/other_user}`,
    gists_url: `${base}/gists{/gist_id}`,
    starred_url: `${base}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/subscriptions`,
    organizations_url: `${base}/orgs`,
    repos_url: `${base}/repos`,
    events_url: `${base}/events{/privacy}`,
    received_events_url: `${base}/received_events`,
    type: actor.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** Organization ids are stable per login so `owner.id` is consistent across repositories. */
export function orgActor(login: string): Actor {
  let hash = 0;
  for (const ch of login.toLowerCase()) hash = (hash * 31 + ch.charCodeAt(0)) % 1_000_000;
  return { login, id: 100_000 + hash, type: 'Organization' };
}
