import { afterEach, beforeEach } from 'vitest';
import { FakeGitHub } from './fake-github.js';
import type { FakeGitHubOptions } from './world.js';

export interface InstallOptions extends FakeGitHubOptions {
  /** Seeds the fresh fake before each test. */
  seed?: (fake: FakeGitHub) => void;
}

/**
 * A fake for a whole test file (call at file or describe level): fresh state before each
 * test, and each test fails on any request GitHub would reject or the fake does not know.
 * Interceptors are reinstalled per test because the shared setup runs `nock.cleanAll()`.
 */
export function installFakeGitHub(options: InstallOptions = {}): FakeGitHub {
  const { seed, ...fakeOptions } = options;
  const fake = new FakeGitHub(fakeOptions);
  fake.stop();
  beforeEach(() => {
    fake.reset();
    fake.start();
    seed?.(fake);
  });
  afterEach(() => {
    try {
      fake.assertClean();
    } finally {
      fake.stop();
    }
  });
  return fake;
}
