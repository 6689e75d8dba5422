/**
 * Pull request reviews: tests submit and dismiss them (as reviewers would in the UI); the app
 * lists them. A review is given at the PR's head of the moment (`commit_id`), so one given
 * before a push is stale afterwards. Dismissing turns its state to DISMISSED, as GitHub does.
 */
import { notFound, paginate, type FakeRequest } from './http.js';
import type { RepoRecord } from './repos.js';
import type { Router } from './router.js';
import { nodeId, userJson, type Actor, type World } from './world.js';

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';

export interface ReviewRecord {
  id: number;
  pullNumber: number;
  user: Actor;
  state: ReviewState;
  body: string;
  commit_id: string;
  submitted_at: string;
}

export interface ReviewSeed {
  /** The reviewer (a GitHub user, created when new); `type: 'Bot'` for an app. */
  login: string;
  type?: 'User' | 'Bot';
  state: Exclude<ReviewState, 'DISMISSED'>;
  body?: string;
  /** Default: the PR's head now. */
  commitId?: string;
}

export class ReviewStore {
  private readonly byRepo = new Map<number, ReviewRecord[]>();

  constructor(private readonly world: World) {}

  submit(repo: RepoRecord, pullNumber: number, seed: ReviewSeed): ReviewRecord {
    const pull = this.world.pulls.get(repo, pullNumber);
    if (!pull) throw new Error(`the fake has no pull request #${pullNumber} in ${repo.owner}/${repo.name}`);
    const user: Actor = seed.type === 'Bot' ? { login: seed.login, id: this.world.nextId(), type: 'Bot' } : { ...this.world.users.add({ login: seed.login }), type: 'User' };
    const review: ReviewRecord = {
      id: this.world.nextId(),
      pullNumber,
      user: { login: user.login, id: user.id, type: user.type },
      state: seed.state,
      body: seed.body ?? '',
      commit_id: seed.commitId ?? pull.head.sha,
      submitted_at: this.world.now(),
    };
    let reviews = this.byRepo.get(repo.id);
    if (!reviews) this.byRepo.set(repo.id, (reviews = []));
    reviews.push(review);
    return review;
  }

  dismiss(repo: RepoRecord, reviewId: number): ReviewRecord {
    const review = (this.byRepo.get(repo.id) ?? []).find((r) => r.id === reviewId);
    if (!review) throw new Error(`the fake has no review ${reviewId} in ${repo.owner}/${repo.name}`);
    review.state = 'DISMISSED';
    return review;
  }

  list(repo: RepoRecord, pullNumber: number): ReviewRecord[] {
    return (this.byRepo.get(repo.id) ?? []).filter((r) => r.pullNumber === pullNumber);
  }
}

function reviewJson(world: World, repo: RepoRecord, review: ReviewRecord): Record<string, unknown> {
  const html = `${world.urls.web}/${repo.owner}/${repo.name}/pull/${review.pullNumber}#pullrequestreview-${review.id}`;
  const pullUrl = `${world.urls.api}/repos/${repo.owner}/${repo.name}/pulls/${review.pullNumber}`;
  return {
    id: review.id,
    node_id: nodeId('PRR', review.id),
    user: userJson(world, review.user),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pullUrl,
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    submitted_at: review.submitted_at,
    commit_id: review.commit_id,
    author_association: 'MEMBER',
  };
}

export function reviewRoutes(router: Router, world: World): void {
  const { repos, pulls, reviews } = world;
  const repoOf = (req: FakeRequest) => repos.require(req.params.owner!, req.params.repo!);

  router.get('/repos/{owner}/{repo}/pulls/{pull_number}/reviews', (req) => {
    const repo = repoOf(req);
    const number = Number(req.params.pull_number);
    if (!pulls.get(repo, number)) throw notFound();
    return paginate(req, reviews.list(repo, number), (r) => reviewJson(world, repo, r), { apiBase: world.urls.api });
  });
}
