/** The request and response values handlers see, and GitHub's error and pagination shapes. */

export interface FakeRequest {
  method: string;
  /**
   * API path without the base URL's prefix or the query, URL-encoded; `/repositories/{id}/...`
   * (where renamed repositories redirect to) arrives here as `/repos/{owner}/{repo}/...`.
   */
  path: string;
  /** Decoded path parameters of the matched route. */
  params: Record<string, string>;
  query: Record<string, string>;
  /** Parsed JSON body, or the raw text when it was not JSON; undefined when empty. */
  body: unknown;
  headers: Record<string, string>;
}

export interface FakeResponse {
  status: number;
  /** JSON-serializable value, a Buffer for binary bodies, or undefined for no body. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

const DOCS = 'https://docs.github.com/rest';

/** Thrown by stores and handlers; the transport turns it into the response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${String(body.message)}`);
  }
}

export const ok = (body: unknown, status = 200, headers?: Record<string, string>): FakeResponse =>
  headers ? { status, body, headers } : { status, body };

export const noContent = (): FakeResponse => ({ status: 204 });

export function notFound(): HttpError {
  return new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
}

export function forbidden(message: string): HttpError {
  return new HttpError(403, { message, documentation_url: DOCS, status: '403' });
}

/** GitHub's 422 for a field that failed validation. */
export function validationFailed(
  resource: string,
  code: 'already_exists' | 'invalid' | 'missing_field' | 'custom' | 'unprocessable',
  field: string,
  message?: string,
): HttpError {
  const error: Record<string, string> = { resource, code, field };
  if (message !== undefined) error.message = message;
  return new HttpError(422, { message: 'Validation Failed', errors: [error], documentation_url: DOCS, status: '422' });
}

/** GitHub's 422 for a request it refuses as a whole (check run output limits, unknown SHA). */
export function unprocessable(message: string): HttpError {
  return new HttpError(422, { message, documentation_url: DOCS, status: '422' });
}

export interface PageOptions {
  /** The base URL the `Link` header points at, e.g. `https://api.github.com`. */
  apiBase: string;
  defaultPerPage?: number;
  /** GitHub's ceiling for `per_page` on this endpoint. Default 100 (Actions variables: 30). */
  maxPerPage?: number;
  /** Lists GitHub wraps in an object (`{ total_count, variables: [...] }`): the array's key. */
  wrap?: string;
}

/**
 * One page of `items` as GitHub pages lists: `per_page` (≤ 100, default 30) and `page`, with a
 * `Link` header carrying next/last/first/prev exactly as Octokit's paginate() follows them.
 */
export function paginate<T, R>(request: FakeRequest, items: readonly T[], render: (item: T) => R, options: PageOptions): FakeResponse {
  const perPage = Math.min(Math.max(Number(request.query.per_page ?? options.defaultPerPage ?? 30) || 30, 1), options.maxPerPage ?? 100);
  const page = Math.max(Number(request.query.page ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const slice = items.slice((page - 1) * perPage, page * perPage).map(render);
  const body = options.wrap ? { total_count: items.length, [options.wrap]: slice } : slice;
  const link = (n: number) => {
    const query = new URLSearchParams({ ...request.query, per_page: String(perPage), page: String(n) });
    return `<${options.apiBase}${request.path}?${query.toString()}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${link(page - 1)}; rel="prev"`);
  if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  if (page > 1) rels.push(`${link(1)}; rel="first"`);
  return rels.length > 0 ? { status: 200, body, headers: { link: rels.join(', ') } } : { status: 200, body };
}

/** The body as an object; schema violations are reported separately by the OpenAPI check. */
export function bodyOf(request: FakeRequest): Record<string, unknown> {
  return request.body !== null && typeof request.body === 'object' && !Array.isArray(request.body)
    ? (request.body as Record<string, unknown>)
    : {};
}
