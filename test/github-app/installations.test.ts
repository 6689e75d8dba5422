import { describe, expect, it } from 'vitest';
import { listInstallations, repositoryInstallation } from '../../src/github-app/index.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, probotFor } from '../support/harness.js';

const fake = installFakeGitHub();

describe('the app’s installations', () => {
  it('lists each installation with the account it is on', async () => {
    expect(await listInstallations(await probotFor(fake).auth())).toEqual([{ id: 1, owner: 'acme', suspended: false }]);
  });

  it('finds the installation of a repository, and none for a repository it does not cover', async () => {
    fake.addRepo({ name: CONFIG_REPO });
    const app = await probotFor(fake).auth();
    expect(await repositoryInstallation(app, { owner: 'acme', repo: CONFIG_REPO })).toBe(1);
    expect(await repositoryInstallation(app, { owner: 'acme', repo: 'missing' })).toBeUndefined();
  });
});
