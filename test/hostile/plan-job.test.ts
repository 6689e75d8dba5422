import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES } from '../../src/config/limits.js';
import { processPlanJob } from '../../src/worker/plan-job.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, labelDoc, orgWrites, repoFile, workerContext } from '../support/harness.js';

// The plan job end to end (fake GitHub serving the tarball): hostile files fail the plan on
// their line, and a file Converge could not read is never planned as deleted.
const fake = installFakeGitHub();
const hooks = { remember: async () => {}, finalAttempt: true };

function seedConfig(files: Record<string, string>) {
  fake.addRepo({ name: CONFIG_REPO });
  return fake.commit(CONFIG_REPO, { 'converge.yml': 'providers:\n  github: {}\n', ...files });
}

async function planPr(baseSha: string, headFiles: Record<string, string | null>) {
  const headSha = fake.commit(CONFIG_REPO, headFiles, { branch: 'pr-1', from: baseSha });
  const outcome = await processPlanJob({ installationId: 1, owner: 'acme', repo: CONFIG_REPO, pullNumber: 1, headSha, baseSha, fromFork: false }, workerContext(fake), hooks);
  const run = fake.checkRuns(CONFIG_REPO).find((r) => r.id === outcome.checkRunId)!;
  return { outcome, run };
}

describe('the plan job on hostile input', () => {
  it('fails on a resource file over the size limit instead of planning its resources as deleted', async () => {
    fake.addRepo({ name: 'api' });
    const file = repoFile('api', '  description: x\n') + '---\n' + labelDoc('api', 'bug', 'd73a4a');
    const base = seedConfig({ 'repos/api.yml': file });
    const padding = `# ${'-'.repeat(78)}\n`.repeat(Math.ceil((MAX_FILE_BYTES * 1.2) / 81));
    const { outcome, run } = await planPr(base, { 'repos/api.yml': file + padding });
    expect(outcome.conclusion).toBe('failure');
    expect(run.annotations).toEqual([expect.objectContaining({ path: 'repos/api.yml', start_line: 1, annotation_level: 'failure', title: 'file.too-large' })]);
    expect(run.annotations[0]!.message).toContain('larger than the 1 MiB');
    expect(run.output.summary).not.toMatch(/delete/i);
    expect(orgWrites(fake)).toEqual([]);
  });

  it('fails on an invalid full-run schedule with an annotation on its line', async () => {
    const base = seedConfig({ 'repos/api.yml': repoFile('api', '  description: x\n') });
    const { outcome, run } = await planPr(base, { 'converge.yml': 'providers:\n  github: {}\nschedule:\n  fullRun: "*/0 * * * *"\n' });
    expect(outcome.conclusion).toBe('failure');
    expect(run.annotations).toEqual([expect.objectContaining({ path: 'converge.yml', start_line: 4, title: 'settings.schedule' })]);
  });

  it('fails on a second repository whose name differs only in case', async () => {
    const base = seedConfig({ 'repos/api.yml': repoFile('api', '  description: x\n') });
    const { outcome, run } = await planPr(base, { 'repos/api-upper.yml': repoFile('Api', '  description: y\n') });
    expect(outcome.conclusion).toBe('failure');
    expect(run.annotations).toEqual([expect.objectContaining({ path: 'repos/api.yml', start_line: 1, title: 'resource.duplicate' })]);
    expect(run.annotations[0]!.message).toContain('without regard to case');
  });
});
