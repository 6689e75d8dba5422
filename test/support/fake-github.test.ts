import { generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { Octokit } from '@octokit/rest';
import { ProbotOctokit } from 'probot';
import { extract } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { blobSha, COMPARE_FILE_LIMIT, FakeGitHub, installFakeGitHub } from './fake-github/index.js';
import { githubGraphqlSchema } from './graphql-schema.js';
import { checkRequest, loadOpenApi } from './openapi.js';

const fake = installFakeGitHub({ checkResponses: true });
const octokit = () => new Octokit({ auth: 'ghs_test', baseUrl: fake.urls.api });

async function status(promise: Promise<{ status: number }>): Promise<number> {
  try {
    return (await promise).status;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('published descriptions', () => {
  it('loads the OpenAPI description and the GraphQL schema once, quickly', () => {
    const spec = loadOpenApi();
    const { buildMs } = githubGraphqlSchema();
    console.info(`OpenAPI load ${spec.loadMs.toFixed(0)} ms, GraphQL schema build ${buildMs.toFixed(0)} ms`);
    expect(loadOpenApi()).toBe(spec);
    expect(spec.loadMs).toBeLessThan(5000);
    expect(buildMs).toBeLessThan(5000);
  });

  it('reports unknown paths, unknown query parameters and invalid bodies', () => {
    expect(checkRequest({ method: 'GET', path: '/repos/acme/a/labels/bug%20fix' })).toEqual([]);
    expect(checkRequest({ method: 'GET', path: '/repos/acme/a/contents/dir/file.yml', query: { ref: 'main' } })).toEqual([]);
    expect(checkRequest({ method: 'GET', path: '/repos/acme/a/labels', query: { per_page: '100', colour: 'x' } })).toEqual([
      expect.stringContaining('unknown query parameter "colour"'),
    ]);
    expect(checkRequest({ method: 'PATCH', path: '/repos/acme/a/labels/bug', body: { color: 7 } })).toEqual([
      expect.stringContaining('body/color: must be string'),
    ]);
    expect(checkRequest({ method: 'GET', path: '/repos/acme/a/nothing-here' })[0]).toContain('no such path');
  });
});

describe('repositories', () => {
  it('pages through an org with a real Link header and lists the minimal shape', async () => {
    for (let i = 0; i < 250; i++) fake.addRepo({ name: `repo-${String(i).padStart(3, '0')}` });
    const repos = await octokit().paginate('GET /orgs/{org}/repos', { org: 'acme', per_page: 100 });
    expect(repos).toHaveLength(250);
    expect(new Set(repos.map((r) => r.name)).size).toBe(250);
    expect(fake.count({ method: 'GET', path: /^\/orgs\/acme\/repos$/ })).toBe(3);
    // Lists leave out merge settings, as GitHub does: reading them needs a GET or GraphQL.
    expect(repos[0]).not.toHaveProperty('allow_squash_merge');
    expect(repos[0]).toMatchObject({ visibility: 'public', has_issues: true, archived: false, topics: [] });
  });

  it('answers a single GET with GitHub defaults and applies PATCH', async () => {
    fake.addRepo({ name: 'api', description: 'The API' });
    const { data } = await octokit().repos.get({ owner: 'acme', repo: 'api' });
    expect(data).toMatchObject({
      name: 'api',
      full_name: 'acme/api',
      owner: { login: 'acme', type: 'Organization' },
      private: false,
      visibility: 'public',
      description: 'The API',
      homepage: null,
      has_projects: true,
      has_wiki: true,
      has_discussions: false,
      allow_merge_commit: true,
      allow_squash_merge: true,
      allow_rebase_merge: true,
      allow_auto_merge: false,
      delete_branch_on_merge: false,
      default_branch: 'main',
    });
    await octokit().repos.update({ owner: 'acme', repo: 'api', visibility: 'private', delete_branch_on_merge: true });
    expect(fake.repo('api')).toMatchObject({ private: true, visibility: 'private', delete_branch_on_merge: true });
    await octokit().repos.replaceAllTopics({ owner: 'acme', repo: 'api', names: ['Infra', 'go'] });
    expect((await octokit().repos.getAllTopics({ owner: 'acme', repo: 'api' })).data.names).toEqual(['infra', 'go']);
  });

  it('creates and deletes repositories', async () => {
    const { data } = await octokit().repos.createInOrg({ org: 'acme', name: 'new', private: true, auto_init: true });
    expect(data).toMatchObject({ name: 'new', private: true, visibility: 'private' });
    expect(fake.files('new')).toEqual({ 'README.md': '# new\n' });
    expect(await status(octokit().repos.createInOrg({ org: 'acme', name: 'new' }))).toBe(422);
    await octokit().repos.delete({ owner: 'acme', repo: 'new' });
    expect(await status(octokit().repos.get({ owner: 'acme', repo: 'new' }))).toBe(404);
  });

  it('redirects the old name after a rename, as GitHub does', async () => {
    const repo = fake.addRepo({ name: 'old-name' });
    await octokit().repos.update({ owner: 'acme', repo: 'old-name', name: 'new-name' });
    const { data } = await octokit().repos.get({ owner: 'acme', repo: 'old-name' });
    expect(data.name).toBe('new-name');
    expect(fake.requests.slice(-2).map((r) => [r.status, r.path])).toEqual([
      [301, '/repos/acme/old-name'],
      [200, `/repositories/${repo.id}`],
    ]);
  });

  it('answers conditional requests with 304s that cost nothing', async () => {
    fake.addRepo({ name: 'cached' });
    const first = await octokit().repos.get({ owner: 'acme', repo: 'cached' });
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{40}"$/);
    const remaining = fake.rateLimit().remaining;
    expect(Number(first.headers['x-ratelimit-remaining'])).toBe(remaining);
    expect(await status(octokit().repos.get({ owner: 'acme', repo: 'cached', headers: { 'if-none-match': etag } }))).toBe(304);
    expect(fake.rateLimit().remaining).toBe(remaining);
    expect(fake.count({ etag304: true })).toBe(1);
    // A change gives a new ETag, so the same conditional request now gets data.
    fake.repo('cached').description = 'drifted';
    const changed = await octokit().repos.get({ owner: 'acme', repo: 'cached', headers: { 'if-none-match': etag } });
    expect(changed.data.description).toBe('drifted');
  });

  it('refuses writes to archived repositories', async () => {
    fake.addRepo({ name: 'frozen', archived: true });
    expect(await status(octokit().issues.createLabel({ owner: 'acme', repo: 'frozen', name: 'x' }))).toBe(403);
  });
});

describe('labels', () => {
  it('creates, finds case-insensitively, renames and deletes', async () => {
    fake.addRepo({ name: 'web', labels: ['bug'] });
    const gh = octokit();
    await gh.issues.createLabel({ owner: 'acme', repo: 'web', name: 'Needs Triage', color: 'ff0000', description: 'New' });
    expect((await gh.issues.getLabel({ owner: 'acme', repo: 'web', name: 'needs triage' })).data).toMatchObject({ name: 'Needs Triage', color: 'ff0000' });
    await gh.issues.updateLabel({ owner: 'acme', repo: 'web', name: 'NEEDS TRIAGE', new_name: 'triage', color: '00ff00' });
    await gh.issues.deleteLabel({ owner: 'acme', repo: 'web', name: 'BUG' });
    expect(fake.labels('web').map((l) => [l.name, l.color])).toEqual([['triage', '00ff00']]);
  });

  it('answers a duplicate with GitHub 422 body', async () => {
    fake.addRepo({ name: 'web', labels: ['bug'] });
    try {
      await octokit().issues.createLabel({ owner: 'acme', repo: 'web', name: 'Bug' });
      expect.unreachable();
    } catch (error) {
      const { status: code, response } = error as { status: number; response: { data: unknown } };
      expect(code).toBe(422);
      expect(response.data).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }] });
    }
  });

  it('paginates labels', async () => {
    fake.addRepo({ name: 'many', labels: Array.from({ length: 130 }, (_, i) => `l${i}`) });
    const labels = await octokit().paginate(octokit().issues.listLabelsForRepo, { owner: 'acme', repo: 'many', per_page: 100 });
    expect(labels).toHaveLength(130);
    expect(fake.count({ route: 'GET /repos/{owner}/{repo}/labels' })).toBe(2);
  });
});

describe('strictness', () => {
  it('collects a request body GitHub would reject', async () => {
    fake.addRepo({ name: 'web', labels: ['bug'] });
    await octokit().request('PATCH /repos/{owner}/{repo}/labels/{name}', { owner: 'acme', repo: 'web', name: 'bug', color: 123 as unknown as string });
    expect(() => fake.assertClean()).toThrow(/body\/color: must be string/);
    expect(fake.takeViolations()).toHaveLength(1);
  });

  it('fails unknown and unimplemented routes', async () => {
    expect(await status(octokit().request('GET /not/a/github/path'))).toBe(404);
    expect(await status(octokit().request('GET /gitignore/templates'))).toBe(501);
    const violations = fake.takeViolations();
    expect(violations).toEqual([
      expect.stringContaining("no such path in GitHub's REST API"),
      expect.stringContaining('no fake route (and not a documented GitHub operation)'),
      expect.stringContaining('GitHub documents this, but the fake has no route for it yet'),
    ]);
  });

  it('injects failures and latency', async () => {
    fake.addRepo({ name: 'flaky' });
    fake.failNext({ method: 'GET', path: /^\/repos\/acme\/flaky$/, status: 502 });
    expect(await status(octokit().repos.get({ owner: 'acme', repo: 'flaky' }))).toBe(502);
    expect(await status(octokit().repos.get({ owner: 'acme', repo: 'flaky' }))).toBe(200);
    expect(fake.pendingFailures()).toHaveLength(0);

    const slow = new FakeGitHub({ baseUrl: 'https://slow.example.com/api/v3', latencyMs: 60 });
    try {
      slow.addRepo({ name: 'r' });
      const started = Date.now();
      await new Octokit({ baseUrl: slow.urls.api }).repos.get({ owner: 'acme', repo: 'r' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    } finally {
      slow.stop();
    }
  });

  it('answers 403 once the rate limit is spent', async () => {
    fake.addRepo({ name: 'r' });
    fake.setRateLimit({ remaining: 0 });
    expect(await status(octokit().repos.get({ owner: 'acme', repo: 'r' }))).toBe(403);
  });
});

describe('installation auth', () => {
  it('serves what Probot needs to authenticate as an installation', async () => {
    fake.addRepo({ name: 'config' });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const app = new ProbotOctokit({ auth: { appId: 1, privateKey } });
    const { data: installation } = await app.rest.apps.getRepoInstallation({ owner: 'acme', repo: 'config' });
    const gh = new ProbotOctokit({ auth: { appId: 1, privateKey, installationId: installation.id } });
    const { data } = await gh.rest.repos.get({ owner: 'acme', repo: 'config' });
    expect(data.name).toBe('config');
    expect(fake.count({ method: 'POST', path: '/app/installations/1/access_tokens' })).toBe(1);
  });
});

describe('git data', () => {
  it('commits snapshots and serves branches, refs, trees, blobs and contents', async () => {
    fake.addRepo({ name: 'config' });
    const first = fake.commit('config', { 'converge.yml': 'providers: [github]\n', 'repos/api.yml': 'name: api\n' }, { message: 'init' });
    const second = fake.commit('config', { 'repos/api.yml': null, 'repos/web.yml': 'name: web\n' });
    expect(second).toMatch(/^[0-9a-f]{40}$/);
    const gh = octokit();
    expect((await gh.repos.getBranch({ owner: 'acme', repo: 'config', branch: 'main' })).data.commit.sha).toBe(second);
    expect((await gh.git.getRef({ owner: 'acme', repo: 'config', ref: 'heads/main' })).data.object.sha).toBe(second);
    expect((await gh.repos.getCommit({ owner: 'acme', repo: 'config', ref: second })).data.parents[0]!.sha).toBe(first);

    const { data: tree } = await gh.git.getTree({ owner: 'acme', repo: 'config', tree_sha: second, recursive: '1' });
    expect(tree.tree.map((e) => [e.path, e.type])).toEqual([
      ['converge.yml', 'blob'],
      ['repos', 'tree'],
      ['repos/web.yml', 'blob'],
    ]);
    // Git's own object id: `printf 'name: web\n' | git hash-object --stdin`.
    expect(tree.tree[2]!.sha).toBe(blobSha('name: web\n'));
    expect(blobSha('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    const { data: blob } = await gh.git.getBlob({ owner: 'acme', repo: 'config', file_sha: tree.tree[2]!.sha! });
    expect(Buffer.from(blob.content, 'base64').toString()).toBe('name: web\n');

    const { data: file } = await gh.repos.getContent({ owner: 'acme', repo: 'config', path: 'repos/api.yml', ref: first });
    expect(Buffer.from((file as { content: string }).content, 'base64').toString()).toBe('name: api\n');
    expect(await status(gh.repos.getContent({ owner: 'acme', repo: 'config', path: 'repos/api.yml' }))).toBe(404);
    const { data: dir } = await gh.repos.getContent({ owner: 'acme', repo: 'config', path: 'repos' });
    expect((dir as Array<{ path: string }>).map((e) => e.path)).toEqual(['repos/web.yml']);
    const { data: raw } = await gh.repos.getContent({ owner: 'acme', repo: 'config', path: 'converge.yml', mediaType: { format: 'raw' } });
    expect(raw).toBe('providers: [github]\n');

    const replaced = fake.setFiles('config', { 'only.yml': 'x\n' });
    expect(fake.head('config')).toBe(replaced);
    expect(fake.files('config')).toEqual({ 'only.yml': 'x\n' });
  });

  it('compares with renames and GitHub 300-file cap', async () => {
    fake.addRepo({ name: 'config' });
    const files = Object.fromEntries(Array.from({ length: 320 }, (_, i) => [`repos/r${String(i).padStart(3, '0')}.yml`, `name: r${i}\n`]));
    const base = fake.commit('config', { 'teams/a.yml': 'name: a\n', 'old.yml': 'same\n' });
    const head = fake.commit('config', { ...files, 'teams/a.yml': 'name: a2\n', 'old.yml': null, 'moved/new.yml': 'same\n' }, { branch: 'change' });
    const { data } = await octokit().repos.compareCommitsWithBasehead({ owner: 'acme', repo: 'config', basehead: `${base}...change` });
    expect(data).toMatchObject({ status: 'ahead', ahead_by: 1, behind_by: 0, total_commits: 1 });
    expect(data.commits[0]!.sha).toBe(head);
    expect(data.files).toHaveLength(COMPARE_FILE_LIMIT);
    expect(data.files![0]).toMatchObject({ filename: 'moved/new.yml', status: 'renamed', previous_filename: 'old.yml' });

    const small = await octokit().repos.compareCommitsWithBasehead({ owner: 'acme', repo: 'config', basehead: `${base}...${fake.commit('config', { 'x.yml': '1\n' })}` });
    expect(small.data.files!.map((f) => [f.filename, f.status])).toEqual([['x.yml', 'added']]);
  });

  it('redirects tarballs to codeload and serves one top-level folder', async () => {
    fake.addRepo({ name: 'config' });
    const sha = fake.commit('config', { 'converge.yml': 'a: 1\n', 'repos/api.yml': 'name: api\n' });
    const { data } = await octokit().repos.downloadTarballArchive({ owner: 'acme', repo: 'config', ref: 'main' });
    const entries = await untar(Buffer.from(data as ArrayBuffer));
    const top = `acme-config-${sha.slice(0, 7)}/`;
    expect(Object.keys(entries)).toEqual([top, `${top}converge.yml`, `${top}repos/`, `${top}repos/api.yml`]);
    expect(entries[`${top}repos/api.yml`]).toBe('name: api\n');
    expect(fake.requests.at(-1)).toMatchObject({ kind: 'codeload', path: '/acme/config/legacy.tar.gz/refs/heads/main', status: 200 });
  });
});

async function untar(gzipped: Buffer): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        entries[header.name] = Buffer.concat(chunks).toString();
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  Readable.from([gunzipSync(gzipped)]).pipe(ex);
  await done;
  return entries;
}

describe('check runs', () => {
  it('accumulates annotations across PATCHes and keeps the history', async () => {
    fake.addRepo({ name: 'config' });
    const sha = fake.commit('config', { 'a.yml': 'x\n' });
    const gh = octokit();
    const annotations = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ path: 'a.yml', start_line: i + 1, end_line: i + 1, annotation_level: 'failure' as const, message: `bad ${i}` }));
    const { data: run } = await gh.checks.create({ owner: 'acme', repo: 'config', name: 'converge/plan', head_sha: sha, status: 'in_progress' });
    await gh.checks.update({ owner: 'acme', repo: 'config', check_run_id: run.id, output: { title: 'Plan', summary: 's', annotations: annotations(50) } });
    await gh.checks.update({ owner: 'acme', repo: 'config', check_run_id: run.id, conclusion: 'failure', output: { title: 'Plan', summary: 's', annotations: annotations(20) } });
    const stored = fake.checkRuns('config')[0]!;
    expect(stored).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(stored.annotations).toHaveLength(70);
    expect(stored.history.map((h) => h.method)).toEqual(['POST', 'PATCH', 'PATCH']);
    const { data: listed } = await gh.checks.listForRef({ owner: 'acme', repo: 'config', ref: 'main', check_name: 'converge/plan' });
    expect(listed.total_count).toBe(1);
    expect(listed.check_runs[0]!.output.annotations_count).toBe(70);
  });

  it('refuses output beyond GitHub limits with a 422', async () => {
    fake.addRepo({ name: 'config' });
    const sha = fake.commit('config', { 'a.yml': 'x\n' });
    const gh = octokit();
    const create = (extra: Record<string, unknown>) => status(gh.request('POST /repos/{owner}/{repo}/check-runs', { owner: 'acme', repo: 'config', name: 'plan', head_sha: sha, ...extra }));
    expect(await create({ output: { title: 't', summary: 'x'.repeat(65_536) } })).toBe(422);
    expect(await create({ output: { title: 't', summary: 'é'.repeat(40_000) } })).toBe(422);
    expect(await create({ output: { title: 't', summary: 'x'.repeat(65_535) } })).toBe(201);
    expect(await create({ actions: [{ label: 'x'.repeat(21), description: 'd', identifier: 'i' }] })).toBe(422);
    expect(await create({ head_sha: 'f'.repeat(40) })).toBe(422);
    // The oversized summary and label also break GitHub's published schema.
    expect(fake.takeViolations()).toEqual([expect.stringContaining('summary: must NOT have more than 65535 characters'), expect.stringContaining('label: must NOT have more than 20 characters')]);
  });
});

describe('issues and pull requests', () => {
  it('creates, filters, closes and comments', async () => {
    fake.addRepo({ name: 'config' });
    const gh = octokit();
    const { data: issue } = await gh.issues.create({ owner: 'acme', repo: 'config', title: 'Drift in acme/api', labels: ['converge:drift'] });
    await gh.issues.create({ owner: 'acme', repo: 'config', title: 'Other' });
    expect(fake.labels('config').map((l) => l.name)).toEqual(['converge:drift']);
    const drift = await gh.issues.listForRepo({ owner: 'acme', repo: 'config', labels: 'converge:drift', creator: 'converge[bot]', state: 'open' });
    expect(drift.data.map((i) => i.number)).toEqual([issue.number]);
    await gh.issues.createComment({ owner: 'acme', repo: 'config', issue_number: issue.number, body: 'Still drifting' });
    const { data: comments } = await gh.issues.listComments({ owner: 'acme', repo: 'config', issue_number: issue.number });
    await gh.issues.updateComment({ owner: 'acme', repo: 'config', comment_id: comments[0]!.id, body: 'Fixed' });
    await gh.issues.update({ owner: 'acme', repo: 'config', issue_number: issue.number, state: 'closed', state_reason: 'completed' });
    expect(fake.issues('config')[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(fake.comments('config', issue.number).map((c) => c.body)).toEqual(['Fixed']);
    expect((await gh.issues.listForRepo({ owner: 'acme', repo: 'config', state: 'closed' })).data).toHaveLength(1);
  });

  it('serves seeded pull requests and finds them by commit', async () => {
    fake.addRepo({ name: 'config' });
    fake.commit('config', { 'a.yml': '1\n' });
    const head = fake.commit('config', { 'a.yml': '2\n' }, { branch: 'feature/x' });
    const pull = fake.addPull('config', { number: 7, head: { ref: 'feature/x' } });
    expect(pull.head.sha).toBe(head);
    const gh = octokit();
    expect((await gh.pulls.get({ owner: 'acme', repo: 'config', pull_number: 7 })).data).toMatchObject({ number: 7, head: { sha: head, ref: 'feature/x' }, base: { ref: 'main' }, merged: false });
    expect((await gh.repos.listPullRequestsAssociatedWithCommit({ owner: 'acme', repo: 'config', commit_sha: head })).data.map((p) => p.number)).toEqual([7]);
    expect((await gh.repos.getBranch({ owner: 'acme', repo: 'config', branch: 'feature/x' })).data.commit.sha).toBe(head);
  });
});

const REPOS_QUERY = /* GraphQL */ `
  query ($org: String!, $after: String) {
    organization(login: $org) {
      repositories(first: 100, after: $after, orderBy: { field: NAME, direction: ASC }) {
        pageInfo { hasNextPage endCursor }
        totalCount
        nodes {
          name databaseId description homepageUrl visibility isArchived isPrivate
          hasIssuesEnabled hasProjectsEnabled hasWikiEnabled hasDiscussionsEnabled
          mergeCommitAllowed squashMergeAllowed rebaseMergeAllowed autoMergeAllowed deleteBranchOnMerge
          defaultBranchRef { name }
          repositoryTopics(first: 20) { nodes { topic { name } } }
          labels(first: 100) { pageInfo { hasNextPage endCursor } totalCount nodes { name color description } }
        }
      }
    }
    rateLimit { cost remaining limit resetAt }
  }
`;

interface ReposPage {
  organization: {
    repositories: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      totalCount: number;
      nodes: Array<{ name: string; visibility: string; squashMergeAllowed: boolean; defaultBranchRef: { name: string }; repositoryTopics: { nodes: Array<{ topic: { name: string } }> }; labels: { totalCount: number; nodes: Array<{ name: string }> } }>;
    };
  };
  rateLimit: { cost: number; remaining: number };
}

describe('GraphQL', () => {
  it('pages through 250 repositories with their labels', async () => {
    for (let i = 0; i < 250; i++) fake.addRepo({ name: `r${String(i).padStart(3, '0')}`, topics: ['go'], labels: ['bug', { name: 'p1', color: 'ff0000' }] });
    const gh = octokit();
    const names: string[] = [];
    let after: string | null = null;
    let page: ReposPage;
    do {
      page = await gh.graphql<ReposPage>(REPOS_QUERY, { org: 'acme', after });
      names.push(...page.organization.repositories.nodes.map((n) => n.name));
      after = page.organization.repositories.pageInfo.endCursor;
    } while (page.organization.repositories.pageInfo.hasNextPage);
    expect(names).toHaveLength(250);
    expect(names[0]).toBe('r000');
    expect(page.organization.repositories.totalCount).toBe(250);
    expect(page.organization.repositories.nodes[0]).toMatchObject({
      visibility: 'PUBLIC',
      squashMergeAllowed: true,
      defaultBranchRef: { name: 'main' },
      repositoryTopics: { nodes: [{ topic: { name: 'go' } }] },
      labels: { totalCount: 2, nodes: [{ name: 'bug' }, { name: 'p1' }] },
    });
    expect(fake.count({ kind: 'graphql' })).toBe(3);
    expect(page.rateLimit).toMatchObject({ cost: 1, remaining: 4997 });
  });

  it('looks up one repository, following renames', async () => {
    fake.addRepo({ name: 'before', labels: ['a'] });
    await octokit().repos.update({ owner: 'acme', repo: 'before', name: 'after' });
    const data = await octokit().graphql<{ repository: { name: string } }>('query { repository(owner: "acme", name: "before") { name } }');
    expect(data.repository.name).toBe('after');
  });

  it('looks up repositories by node id, an id it cannot resolve as null with a NOT_FOUND error', async () => {
    const api = fake.addRepo({ name: 'api' });
    const query = 'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Repository { id name } } }';
    const error = await octokit()
      .graphql(query, { ids: [api.node_id, 'R_kgDOgone', api.node_id] })
      .catch((e: unknown) => e as { data: unknown; errors: Array<{ type: string; path: unknown[] }> });
    expect(error).toMatchObject({
      data: { nodes: [{ id: api.node_id, name: 'api' }, null, { id: api.node_id, name: 'api' }] },
      errors: [{ type: 'NOT_FOUND', path: ['nodes', 1] }],
    });
  });

  it('rejects queries GitHub would reject, and fields the fake does not model', async () => {
    const gh = octokit();
    await expect(gh.graphql('query { organization(login: "acme") { repositories(first: 1) { nodes { colour } } } }')).rejects.toThrow(/Cannot query field "colour"/);
    await expect(gh.graphql('query { organization(login: "acme") { repositories { totalCount } } }')).rejects.toThrow(/must provide a `first` or `last`/);
    fake.addRepo({ name: 'x' });
    await expect(gh.graphql('query { organization(login: "acme") { repositories(first: 1) { nodes { stargazerCount } } } }')).rejects.toThrow(/no data for Repository.stargazerCount/);
    await expect(gh.graphql('query { organization(login: "nobody") { login } }')).rejects.toThrow(/Could not resolve/);
    expect(() => fake.assertClean()).toThrow(/Cannot query field "colour"/);
    expect(fake.takeViolations()).toHaveLength(3);
  });
});

describe('GitHub Enterprise Server', () => {
  it('serves REST under /api/v3, GraphQL at /api/graphql and tarballs from the same host', async () => {
    const ghe = new FakeGitHub({ baseUrl: 'https://ghe.example.com/api/v3', org: 'corp' });
    try {
      ghe.addRepo({ name: 'config', labels: ['bug'] });
      ghe.commit('config', { 'converge.yml': 'a: 1\n' });
      const gh = new Octokit({ auth: 'x', baseUrl: 'https://ghe.example.com/api/v3' });
      expect((await gh.repos.get({ owner: 'corp', repo: 'config' })).data.html_url).toBe('https://ghe.example.com/corp/config');
      const data = await gh.graphql<{ repository: { labels: { totalCount: number } } }>('query { repository(owner: "corp", name: "config") { labels(first: 10) { totalCount } } }');
      expect(data.repository.labels.totalCount).toBe(1);
      const { data: tar } = await gh.repos.downloadTarballArchive({ owner: 'corp', repo: 'config', ref: 'main' });
      expect(Object.keys(await untar(Buffer.from(tar as ArrayBuffer)))).toContain(`corp-config-${ghe.head('config')!.slice(0, 7)}/converge.yml`);
      expect(ghe.requests.map((r) => `${r.kind} ${r.path}`)).toEqual([
        'rest /repos/corp/config',
        'graphql /graphql',
        'rest /repos/corp/config/tarball/main',
        'codeload /corp/config/legacy.tar.gz/refs/heads/main',
      ]);
      ghe.assertClean();
    } finally {
      ghe.stop();
    }
  });
});

describe('scale', () => {
  it('stays fast with 5,000 repositories of 10 labels', async () => {
    let started = performance.now();
    for (let i = 0; i < 5000; i++) fake.addRepo({ name: `repo-${i}`, labels: Array.from({ length: 10 }, (_, j) => `label-${j}`) });
    const seedMs = performance.now() - started;
    started = performance.now();
    const gh = octokit();
    const repos = await gh.paginate('GET /orgs/{org}/repos', { org: 'acme', per_page: 100 });
    const restMs = performance.now() - started;
    started = performance.now();
    let after: string | null = null;
    let pages = 0;
    do {
      const page: ReposPage = await gh.graphql<ReposPage>(REPOS_QUERY, { org: 'acme', after });
      after = page.organization.repositories.pageInfo.hasNextPage ? page.organization.repositories.pageInfo.endCursor : null;
      pages++;
    } while (after);
    const graphqlMs = performance.now() - started;
    console.info(`scale: seed ${seedMs.toFixed(0)} ms, REST list ${restMs.toFixed(0)} ms (50 pages), GraphQL ${graphqlMs.toFixed(0)} ms (${pages} pages)`);
    expect(repos).toHaveLength(5000);
    expect(pages).toBe(50);
    started = performance.now();
    for (let i = 0; i < 200; i++) await gh.issues.getLabel({ owner: 'acme', repo: `repo-${i * 20}`, name: 'LABEL-3' });
    console.info(`scale: 200 label reads ${(performance.now() - started).toFixed(0)} ms`);
  });
});
