import nock from 'nock';
import { afterEach, beforeAll } from 'vitest';

// Unexpected HTTP requests fail the test: nothing leaves the machine except loopback
// (Redis, PostgreSQL, and the app's own server in handler tests).
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
});

afterEach(() => {
  nock.cleanAll();
});
