/** Wires the fake into nock: every method, every path under the fake's URLs, persisted. */
import nock from 'nock';
import type { FakeResponse } from './http.js';
import type { RawRequest } from './transport.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export interface InterceptTarget {
  origin: string;
  /** Only paths under these prefixes are taken, so other mocks on a shared GHE host still work. */
  prefixes: string[];
}

/** Starts intercepting; returns a function that stops (removes exactly these interceptors). */
export function intercept(targets: InterceptTarget[], handle: (raw: RawRequest) => Promise<FakeResponse>): () => void {
  const interceptors: nock.Interceptor[] = [];
  for (const { origin, prefixes } of targets) {
    const scope = nock(origin).persist();
    const ours = (path: string) => prefixes.some((prefix) => prefix === '' || path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`));
    for (const method of METHODS) {
      const interceptor = scope.intercept(ours, method);
      interceptors.push(interceptor);
      interceptor.reply(async function (uri, body) {
        const response = await handle({ origin, method, url: uri, body, headers: { ...this.req.headers } });
        return [response.status, (response.body ?? '') as nock.ReplyBody, response.headers ?? {}];
      });
    }
  }
  return () => {
    for (const interceptor of interceptors) nock.removeInterceptor(interceptor);
  };
}
