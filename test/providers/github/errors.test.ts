import { describe, expect, it } from 'vitest';
import { PermissionError, RateLimitedError, RejectedError, RetryableError } from '../../../src/core/errors.js';
import type { Change } from '../../../src/core/plan-types.js';
import { toGitHubError } from '../../../src/providers/github/shared/errors.js';
import { InProcessWritePacer } from '../../../src/providers/github/index.js';
import { api, connect, restRepo, strictNock } from './helpers.js';

strictNock();

const update = (description: string): Change => ({
  kind: 'github.repository',
  target: 'default',
  name: 'api',
  action: 'update',
  fields: [{ path: 'description', before: '', after: description }],
  origin: 'model',
  owners: [],
});

async function failure(status: number, body: unknown, headers: Record<string, string> = {}) {
  api().patch('/repos/acme/api', { description: 'x' }).reply(status, body as Record<string, unknown>, headers);
  const { session } = await connect();
  return session.apply(update('x')).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('GitHub failures become typed errors', () => {
  it('5xx is retryable', async () => {
    expect(await failure(503, { message: 'Service Unavailable' })).toBeInstanceOf(RetryableError);
  });

  it('403 with retry-after is a rate limit with its wait', async () => {
    const error = await failure(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '30' });
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(30_000);
  });

  it('403 with nothing remaining waits until x-ratelimit-reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    const error = (await failure(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) })) as RateLimitedError;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryAfterMs).toBeGreaterThan(100_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('429 without hints waits a minute', async () => {
    expect(((await failure(429, { message: 'Too Many Requests' })) as RateLimitedError).retryAfterMs).toBe(60_000);
  });

  it('403 without rate-limit headers and 401 are permission problems', async () => {
    const denied = await failure(403, { message: 'Resource not accessible by integration' });
    expect(denied).toBeInstanceOf(PermissionError);
    expect((denied as Error).message).toBe('github.repository/api: the app is not allowed to write this on GitHub: Resource not accessible by integration');
    expect(await failure(401, { message: 'Bad credentials' })).toBeInstanceOf(PermissionError);
  });

  it('403 names the permission GitHub says the app lacks', async () => {
    const denied = await failure(403, { message: 'Resource not accessible by integration' }, { 'x-accepted-github-permissions': 'administration=write' });
    expect(denied).toBeInstanceOf(PermissionError);
    expect((denied as Error).message).toBe(
      'github.repository/api: the app is not allowed to write this on GitHub: Resource not accessible by integration (the app needs administration: write).',
    );
  });

  it('403 names each alternative set of permissions GitHub accepts', () => {
    const headers = { 'x-accepted-github-permissions': 'repository_projects=write; organization_projects=admin,members=read' };
    const thrown = Object.assign(new Error('x'), { status: 403, response: { status: 403, headers, data: { message: 'Forbidden' } } });
    expect(toGitHubError(thrown, 'github.team/core', 'write').message).toBe(
      'github.team/core: the app is not allowed to write this on GitHub: Forbidden (the app needs repository_projects: write, or organization_projects: admin and members: read).',
    );
  });

  it('422 names the field GitHub refused next to its message', async () => {
    const error = await failure(422, { message: 'Validation Failed', errors: [{ resource: 'Repository', field: 'name', code: 'custom', message: 'already exists on this account' }] });
    expect((error as Error).message).toBe('github.repository/api: GitHub rejected the change: Validation Failed (name: already exists on this account)');
  });

  it('422 carries GitHub\'s message and each error\'s message or code', async () => {
    const error = await failure(422, {
      message: 'Validation Failed',
      errors: [{ resource: 'Repository', field: 'homepage', code: 'invalid' }, { message: 'description is too long' }],
    });
    expect(error).toBeInstanceOf(RejectedError);
    expect(error).toMatchObject({ resource: 'github.repository/api', message: 'github.repository/api: GitHub rejected the change: Validation Failed (Repository homepage invalid; description is too long)' });
  });

  it('never puts a token into a message', () => {
    const leaky = Object.assign(new Error('x'), { status: 422, response: { status: 422, headers: {}, data: { message: 'bad token ghs_abcdefghijklmnopqrstuvwxyz0123456789' } } });
    expect(toGitHubError(leaky, 'github.repository/api', 'write').message).not.toMatch(/ghs_/);
  });

  it('a request that got no answer is retryable, and its message holds no request details', () => {
    const cause = Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' });
    const noAnswer = Object.assign(new Error('authorization: token secret'), { status: 500, cause });
    const error = toGitHubError(noAnswer, 'github.repository/api', 'read');
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toBe('github.repository/api: GitHub could not be reached (ECONNRESET).');
  });
});

describe('write pacing', () => {
  function virtualClock() {
    const clock = { now: 1_000_000, waits: [] as number[] };
    const pacer = new InProcessWritePacer({
      now: () => clock.now,
      sleep: async (ms) => {
        clock.waits.push(ms);
        clock.now += ms;
      },
    });
    return { clock, pacer };
  }

  it('spaces mutations at least writeSpacingMs apart per org', async () => {
    const { clock, pacer } = virtualClock();
    api().patch('/repos/acme/api', { description: 'a' }).reply(200, restRepo('api'));
    api().patch('/repos/acme/api', { description: 'b' }).reply(200, restRepo('api'));
    api().patch('/repos/acme/api', { description: 'c' }).reply(200, restRepo('api'));
    const { session } = await connect({ pacer, settings: { writeSpacingMs: 1000 } });
    await session.apply(update('a'));
    await session.apply(update('b'));
    clock.now += 5000;
    await session.apply(update('c'));
    expect(clock.waits).toEqual([1000]);
  });

  it('holds every write for the org as long as GitHub asked', async () => {
    const { clock, pacer } = virtualClock();
    api().patch('/repos/acme/api', { description: 'a' }).reply(403, { message: 'secondary rate limit' }, { 'retry-after': '30' });
    api().patch('/repos/acme/api', { description: 'b' }).reply(200, restRepo('api'));
    const { session } = await connect({ pacer, settings: { writeSpacingMs: 0 } });
    await expect(session.apply(update('a'))).rejects.toBeInstanceOf(RateLimitedError);
    await session.apply(update('b'));
    expect(clock.waits).toEqual([30_000]);
  });

  it('does not pace reads', async () => {
    const { clock, pacer } = virtualClock();
    api().get('/repos/acme/api').times(3).reply(200, restRepo('api'));
    const { session } = await connect({ pacer, settings: { writeSpacingMs: 1000 } });
    for (let i = 0; i < 3; i++) await session.read([{ kind: 'github.repository', target: 'default', name: 'api' }]);
    expect(clock.waits).toEqual([]);
  });
});
