import { providerContract } from '../../contract/provider-contract.js';
import { githubProvider, Label, Repository } from '../../../src/providers/github/index.js';
import { desired } from '../../support/resources.js';
import { installFakeGitHub } from '../../support/fake-github/index.js';
import { connectToFake } from './fake.js';

const fake = installFakeGitHub();

const repo = (name: string, spec: Record<string, unknown>, previousNames: string[] = []) =>
  desired('github.repository', name, Repository.parse(spec), { previousNames });
const label = (name: string, spec: Record<string, unknown>, previousNames: string[] = []) =>
  desired('github.label', name, Label.parse(spec), { previousNames });

providerContract('github', async () => ({
  provider: githubProvider,
  connect: () => connectToFake(),
  initial: [
    repo('svc-a', {
      description: 'Service A',
      homepage: 'https://a.example.com',
      visibility: 'private',
      features: { issues: true, projects: false, wiki: false },
      merge: { allowMergeCommit: false, allowSquashMerge: true, allowRebaseMerge: false, allowAutoMerge: true, deleteBranchOnMerge: true },
      topics: ['Platform', 'api'],
    }),
    repo('svc-b', { description: null, archived: false }),
    label('svc-a/bug', { color: '#D73A4A', description: 'Something is broken' }),
    label('svc-a/area/ci', { color: 'a2eeef' }),
    label('svc-b/bug', { color: 'd73a4a', description: null }),
  ],
  changed: [
    repo('svc-a', {
      description: 'Service A, v2',
      homepage: '',
      visibility: 'public',
      features: { issues: false, projects: false, wiki: true },
      merge: { allowMergeCommit: true, allowSquashMerge: true, allowRebaseMerge: false, allowAutoMerge: false, deleteBranchOnMerge: true },
      topics: ['platform'],
    }),
    repo('svc-b', { description: 'Now described', archived: true }),
    label('svc-a/bug', { color: 'ff0000', description: 'Broken' }),
    label('svc-a/area/ci', { color: 'a2eeef', description: 'CI' }),
    // Unchanged: svc-b is archived in this step, and an archived repository's labels are read-only.
    label('svc-b/bug', { color: 'd73a4a', description: null }),
  ],
  renamed: [
    repo('svc-alpha', { description: 'Service A, renamed', topics: ['platform'] }, ['svc-a']),
    repo('svc-b', { description: 'Still B' }),
    label('svc-alpha/bug', { color: 'ff0000' }, ['svc-a/bug']),
    label('svc-alpha/area/ci', { color: 'a2eeef' }, ['svc-a/area/ci']),
    label('svc-b/defect', { color: 'd73a4a' }, ['svc-b/bug']),
  ],
  async driftOne() {
    fake.repo('svc-a').description = 'Changed by hand';
  },
  async teardown() {},
}));
