import { describe, expect, it } from 'vitest';
import { RepoConfig } from '../../src/config/schema.js';
import { deletionPolicyOf } from '../../src/engine/deletion-policy.js';

describe('the deletion policy of a run', () => {
  it('takes its defaults from the repo config schema: prune off, nothing protected, at most 5 deletions', () => {
    expect(deletionPolicyOf(RepoConfig.parse({}))).toEqual({ prune: false, protected: [], maxDeletionsPerRun: 5, overrideMaxDeletions: false });
  });

  it('follows prune in converge.yml and adds what only the run knows', () => {
    const config = RepoConfig.parse({ prune: { enabled: true, protected: ['prod-*'], maxDeletionsPerRun: 2 } });
    expect(deletionPolicyOf(config, { overrideMaxDeletions: true, footprint: ['github.repository/config'] })).toEqual({
      prune: true,
      protected: ['prod-*'],
      maxDeletionsPerRun: 2,
      overrideMaxDeletions: true,
      footprint: ['github.repository/config'],
    });
  });
});
