/**
 * Routes the jobs need that the fake may not serve yet. Each shim is added only when the fake
 * lacks the route, and the benchmark reports which ones it used, so a gap in the fake is named
 * instead of silently turning a job into a failure.
 */
import type { FakeGitHub, Router } from '../../test/support/fake-github/index.js';
import { paginate } from '../../test/support/fake-github/index.js';
import type { World } from '../../test/support/fake-github/world.js';

const LIST_COMMITS = 'GET /repos/{owner}/{repo}/commits';

export function addMissingRoutes(fake: FakeGitHub): string[] {
  const added: string[] = [];
  if (!fake.routes().includes(LIST_COMMITS)) {
    // Reaching into the fake on purpose: the route belongs in test/support/fake-github/git.ts.
    const { router, world } = fake as unknown as { router: Router; world: World };
    router.get('/repos/{owner}/{repo}/commits', (req) => {
      const repo = world.repos.require(req.params.owner!, req.params.repo!);
      const head = world.git.requireCommit(repo, req.query.sha ?? repo.default_branch);
      const api = `${world.urls.api}/repos/${repo.owner}/${repo.name}`;
      const shas = world.git.ancestors(repo, head.sha);
      return paginate(
        req,
        shas,
        (sha) => {
          const commit = world.git.commitBySha(repo, sha)!;
          const person = { name: 'Converge Bench', email: 'bench@example.com', date: commit.date };
          return {
            url: `${api}/commits/${sha}`,
            sha,
            node_id: `C_${sha.slice(0, 12)}`,
            html_url: `${world.urls.web}/${repo.owner}/${repo.name}/commit/${sha}`,
            comments_url: `${api}/commits/${sha}/comments`,
            commit: { url: `${api}/git/commits/${sha}`, author: person, committer: person, message: commit.message, comment_count: 0, tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` } },
            author: null,
            committer: null,
            parents: commit.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}` })),
          };
        },
        { apiBase: world.urls.api },
      );
    });
    added.push(LIST_COMMITS);
  }
  return added;
}

/**
 * On GitHub every pull request is also an issue, so PR comments go through
 * `/issues/{number}/comments`. When the fake does not know the PR's number as an issue, seed
 * its issue twin with that number. Returns whether it had to.
 */
export function commentsNeedIssueTwin(fake: FakeGitHub, repo: string, pullNumber: number): boolean {
  if (fake.issues(repo).some((issue) => issue.number === pullNumber)) return false;
  const pull = fake.pulls(repo).find((p) => p.number === pullNumber);
  fake.addIssue(repo, { number: pullNumber, title: pull?.title ?? `Pull request #${pullNumber}` });
  return true;
}
