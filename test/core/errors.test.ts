import { describe, expect, it } from 'vitest';
import { ConnectionError, ConvergeError, RateLimitedError, readError, readErrorOf, RejectedError, RetryableError, toConvergeError } from '../../src/core/errors.js';

describe('typed errors', () => {
  it('keep a Converge error as it is', () => {
    const error = new RejectedError('Validation Failed', { resource: 'mem.widget/a' });
    expect(toConvergeError(error)).toBe(error);
  });

  it('withhold the message of anything else, naming only its class, and keep it as the cause', () => {
    const thrown = new TypeError('cannot read password of undefined: s3cret');
    const error = toConvergeError(thrown, 'postgres.role/app');
    expect(error).toBeInstanceOf(ConvergeError);
    expect(error).toMatchObject({ code: 'internal', resource: 'postgres.role/app', cause: thrown, retryable: false });
    expect(error.message).toBe('an unexpected error (TypeError) stopped this; its message is withheld because it may hold secrets');
    expect(toConvergeError('token ghs_abc').message).not.toContain('ghs_abc');
    expect(toConvergeError(Object.assign(new Error('x'), { name: 'name with ghs_abc spaces' })).message).toContain('(object)');
  });
});

describe('read failures', () => {
  it('say a later run may help when the target was busy, limited or out of reach', () => {
    expect(readErrorOf(new RetryableError('HTTP 502'))).toEqual({ code: 'retryable', retryable: true, message: 'HTTP 502' });
    expect(readErrorOf(new RateLimitedError('slow down'))).toEqual({ code: 'rate-limited', retryable: true, message: 'slow down' });
    expect(readErrorOf(new ConnectionError('cannot reach PostgreSQL'))).toEqual({ code: 'connection', retryable: true, message: 'cannot reach PostgreSQL' });
    expect(readError('connection', 'database x is unreachable')).toEqual({ code: 'connection', retryable: true, message: 'database x is unreachable' });
  });

  it('say it will not help otherwise', () => {
    expect(readErrorOf(new RejectedError('no'))).toMatchObject({ code: 'rejected', retryable: false });
    expect(readErrorOf(new Error('boom'))).toMatchObject({ code: 'internal', retryable: false });
    expect(readError('configuration', 'bad name')).toMatchObject({ retryable: false });
  });

  it('never make a connection error retryable within the job, where its session stays gone', () => {
    expect(new ConnectionError('down').retryable).toBe(false);
  });
});
