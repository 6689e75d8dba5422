import { providerContract } from '../../contract/provider-contract.js';
import { githubProvider } from '../../../src/providers/github/index.js';
import { installFakeGitHub } from '../../support/fake-github/index.js';
import { connectToFake, seedPeople } from './fake.js';
import { changedModel, initialModel, renamedModel } from './fixtures.js';

const fake = installFakeGitHub({ seed: seedPeople });

/**
 * Every kind but `github.member`, which is read-only by design (Converge never invites or
 * removes people), so it cannot be created or deleted; `member.test.ts` covers it.
 */
const provider = { ...githubProvider, kinds: githubProvider.kinds.filter((k) => k.kind !== 'github.member') };

providerContract('github', async () => ({
  provider,
  connect: () => connectToFake(),
  initial: initialModel(),
  changed: changedModel(),
  renamed: renamedModel(),
  async driftOne() {
    fake.repo('svc-a').description = 'Changed by hand';
  },
  async teardown() {},
}));
