/**
 * A `deny` policy rule through the shipped `npm start`, driven by signed webhooks only: a PR
 * that makes a repository public fails its plan check, naming the rule, with a failure
 * annotation on the `visibility` line; merged anyway, the push applies nothing at all (the
 * repository stays private, the PR's other change waits too) and the apply check and the
 * merged PR say which rule stopped it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgWrites, repoFile } from '../support/harness.js';
import { deliver, mergePull, pullRequestEvent, pushEvent } from './support/github-events.js';
import { waitFor } from './support/processes.js';
import { CONFIG_REPO, SECRET, startStack, type Stack } from './support/stack.js';

// The README's rule, as a user copies it into converge.yml.
const SETTINGS = `providers:
  github: {}
policies:
  - name: no-public-repositories
    description: Repositories stay private; ask the security team to publish one.
    match:
      kinds: github.repository
      fields: [visibility]
      after: public
    effect: deny
`;
const RULE = 'no-public-repositories';
const RULE_SENTENCE = 'Repositories stay private; ask the security team to publish one.';

// `visibility:` is on line 5 of this document (kind, name, spec, description, visibility).
const apiFile = (visibility: 'private' | 'public') => repoFile('api', `  description: the api\n  visibility: ${visibility}\n`);
const VISIBILITY_LINE = 5;
const docsFile = (description: string) => repoFile('docs', `  description: ${description}\n`);

describe('a deny policy rule through npm start', () => {
  let stack: Stack;
  let url: string;

  beforeAll(async () => {
    stack = await startStack();
    stack.fake.addRepo({ name: CONFIG_REPO });
    stack.fake.addRepo({ name: 'api', description: 'the api', visibility: 'private', private: true });
    stack.fake.addRepo({ name: 'docs', description: 'old' });
    stack.fake.commit(CONFIG_REPO, { 'converge.yml': SETTINGS, 'repos/api.yml': apiFile('private'), 'repos/docs.yml': docsFile('old') });
    ({ url } = await stack.startApp());
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  const checkRun = (name: string, sha: string) =>
    stack.fake.checkRuns(CONFIG_REPO).find((r) => r.name === name && r.head_sha === sha && r.status === 'completed');

  it('fails the plan of a PR making a repository public, annotated on its visibility line; merged anyway, applies nothing and says why', async () => {
    const { fake } = stack;
    const files = { 'repos/api.yml': apiFile('public'), 'repos/docs.yml': docsFile('new') };
    const head = fake.commit(CONFIG_REPO, files, { branch: 'publish-api' });
    const pull = fake.addPull(CONFIG_REPO, { title: 'Publish api', head: { ref: 'publish-api' }, user: { login: 'alice', id: 501, type: 'User' } });

    expect((await deliver(url, SECRET, 'pull_request', pullRequestEvent(fake, CONFIG_REPO, pull))).status).toBe(200);
    const plan = await waitFor(() => checkRun('Converge plan', head), 'the plan check run');
    expect(plan.conclusion).toBe('failure');
    expect(plan.output.title).toMatch(new RegExp(`^Denied by policy \\(${RULE}\\)`));
    expect(plan.output.summary).toContain('## Policy');
    expect(plan.output.summary).toContain(RULE_SENTENCE);
    const denials = plan.annotations.filter((a) => a.annotation_level === 'failure');
    expect(denials).toEqual([
      expect.objectContaining({ path: 'repos/api.yml', start_line: VISIBILITY_LINE, end_line: VISIBILITY_LINE, title: `Denied by policy: ${RULE}` }),
    ]);
    expect(denials[0]!.message).toContain('github.repository/api (visibility: "private" → "public")');
    // Planning reads only.
    expect(orgWrites(fake)).toEqual([]);

    // Merged past the failing check: the push of the merge commit.
    const before = fake.head(CONFIG_REPO)!;
    const merged = mergePull(fake, CONFIG_REPO, pull, files);
    expect((await deliver(url, SECRET, 'push', pushEvent(fake, CONFIG_REPO, before, merged))).status).toBe(200);
    const apply = await waitFor(() => checkRun('Converge apply', merged), 'the apply check run of the merge');
    expect(apply.conclusion).toBe('failure');
    expect(apply.output.title).toBe(`Nothing applied: denied by policy (${RULE})`);
    expect(apply.output.summary).toContain(`Nothing was applied: the policy rule "${RULE}" of converge.yml denies 1 change at ${merged.slice(0, 7)}`);
    expect(apply.annotations).toContainEqual(expect.objectContaining({ path: 'repos/api.yml', start_line: VISIBILITY_LINE, annotation_level: 'failure' }));

    // Nothing of the commit was applied: not the denied change, not the allowed one beside it.
    expect(fake.repo('api')).toMatchObject({ visibility: 'private', private: true });
    expect(fake.repo('docs').description).toBe('old');
    expect(orgWrites(fake)).toEqual([]);

    const comment = await waitFor(() => fake.comments(CONFIG_REPO, pull.number)[0], 'the comment on the merged PR');
    expect(comment.body).toContain(`nothing was applied because the policy rule "${RULE}"`);
    expect(fake.assertClean()).toBeUndefined();
  });
});
