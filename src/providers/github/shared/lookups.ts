import type { GitHubApi } from './api.js';

export interface Identity {
  /** REST id (`id`, `actor_id`, `reviewers[].id`, `selected_repository_ids`). */
  id: number;
  /** GraphQL node id (`pushActorIds`, `appId`). */
  nodeId: string;
  /** The name as GitHub spells it (login, slug). */
  name: string;
}

/**
 * Names in the config, ids in the API: users, teams, apps and repositories resolved through
 * conditional GETs (a repeat in a later job is a free 304). Found identities are remembered
 * for the session; misses are not, so something created during an apply is found afterwards.
 */
export class Lookups {
  private readonly found = new Map<string, Promise<Identity | undefined>>();

  constructor(private readonly api: GitHubApi) {}

  user(login: string): Promise<Identity | undefined> {
    return this.once(`user:${login.toLowerCase()}`, async () => {
      const got = await this.api.get<{ id: number; node_id: string; login: string }>('GET /users/{username}', { username: login });
      return got && { id: got.data.id, nodeId: got.data.node_id, name: got.data.login };
    });
  }

  team(slug: string): Promise<Identity | undefined> {
    return this.once(`team:${slug.toLowerCase()}`, async () => {
      const got = await this.api.get<{ id: number; node_id: string; slug: string }>('GET /orgs/{org}/teams/{team_slug}', { org: this.api.org, team_slug: slug });
      return got && { id: got.data.id, nodeId: got.data.node_id, name: got.data.slug };
    });
  }

  app(slug: string): Promise<Identity | undefined> {
    return this.once(`app:${slug.toLowerCase()}`, async () => {
      const got = await this.api.get<{ id: number; node_id: string; slug?: string }>('GET /apps/{app_slug}', { app_slug: slug });
      return got && { id: got.data.id, nodeId: got.data.node_id, name: got.data.slug ?? slug };
    });
  }

  repository(name: string): Promise<Identity | undefined> {
    return this.once(`repo:${name.toLowerCase()}`, async () => {
      const got = await this.api.get<{ id: number; node_id: string; name: string }>('GET /repos/{owner}/{repo}', { owner: this.api.org, repo: name });
      // A renamed repository's old name redirects: that is not the repository asked for.
      if (!got || got.redirected || got.data.name.toLowerCase() !== name.toLowerCase()) return undefined;
      return { id: got.data.id, nodeId: got.data.node_id, name: got.data.name };
    });
  }

  /** Every team of the org by REST id (one list, conditional), for ids GitHub reports back. */
  async teamsById(): Promise<Map<number, string>> {
    const list = await this.api.list<{ id: number; slug: string }>('GET /orgs/{org}/teams', { org: this.api.org });
    return new Map((list?.data ?? []).map((t) => [t.id, t.slug]));
  }

  private once(key: string, load: () => Promise<Identity | undefined>): Promise<Identity | undefined> {
    const known = this.found.get(key);
    if (known) return known;
    const pending = load().then(
      (identity) => {
        if (!identity) this.found.delete(key);
        return identity;
      },
      (error: unknown) => {
        this.found.delete(key);
        throw error;
      },
    );
    this.found.set(key, pending);
    return pending;
  }
}
