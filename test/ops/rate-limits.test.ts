import { describe, expect, it } from 'vitest';
import { metricsText } from '../../src/ops/metrics.js';
import { observeRateLimits } from '../../src/ops/rate-limits.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { probotFor } from '../support/harness.js';

const fake = installFakeGitHub();

/** The value a Prometheus scrape would read for this series, or undefined when absent. */
async function scraped(resource: string, installation: string): Promise<number | undefined> {
  const line = (await metricsText()).split('\n').find((l) => l.startsWith(`converge_github_rate_limit_remaining{resource="${resource}",installation="${installation}"} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('GitHub rate-limit metrics', () => {
  it('reports what GitHub said is left of the REST and GraphQL limits, per installation', async () => {
    fake.addRepo({ name: 'api' });
    fake.setRateLimit({ remaining: 4321 }, 'core');
    fake.setRateLimit({ remaining: 3000 }, 'graphql');
    const client = observeRateLimits(await probotFor(fake).auth(1), { installation: 1 });
    expect(await scraped('core', '1')).toBeUndefined();

    await client.rest.repos.get({ owner: 'acme', repo: 'api' });
    // The token request counted too: the gauge is what the latest response said.
    expect(fake.rateLimit('core').remaining).toBeLessThan(4321);
    expect(await scraped('core', '1')).toBe(fake.rateLimit('core').remaining);

    await client.graphql('query { organization(login: "acme") { login } }');
    expect(await scraped('graphql', '1')).toBe(2999);
    // Other installations and the app's own client are other series.
    expect(await scraped('core', 'app')).toBeUndefined();
  });

  it('reads the headers of error responses too', async () => {
    fake.addRepo({ name: 'api' });
    const client = observeRateLimits(await probotFor(fake).auth(1), { installation: 1 });
    fake.failNext({ method: 'GET', path: /^\/repos\/acme\/api$/, status: 502 });
    await expect(client.rest.repos.get({ owner: 'acme', repo: 'api' })).rejects.toMatchObject({ status: 502 });
    expect(await scraped('core', '1')).toBe(fake.rateLimit('core').remaining);

    // The error still reaches the caller unchanged: the hook only reads.
    expect(fake.count({ method: 'GET', path: /^\/repos\/acme\/api$/ })).toBe(1);
  });
});
