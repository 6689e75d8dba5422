import { PathTemplates } from '../openapi.js';
import type { Handler } from './http.js';

export interface RouteMatch {
  /** `GET /repos/{owner}/{repo}`: the route as registered, for logs and counts. */
  route: string;
  handler: Handler;
  params: Record<string, string>;
}

/**
 * Method + path template → handler. Templates use GitHub's own spelling (as in the OpenAPI
 * description), so a route reads like the docs: `router.get('/repos/{owner}/{repo}', h)`.
 * Parameters listed in `multiSegment` may contain slashes (file paths, refs, branch names).
 */
export class Router {
  private readonly templates = new PathTemplates<Map<string, Handler>>();
  private readonly byTemplate = new Map<string, Map<string, Handler>>();

  on(method: string, template: string, handler: Handler, multiSegment: string[] = []): this {
    let handlers = this.byTemplate.get(template);
    if (!handlers) {
      this.byTemplate.set(template, (handlers = new Map()));
      this.templates.add(template, handlers, new Set(multiSegment));
    }
    if (handlers.has(method)) throw new Error(`route ${method} ${template} is registered twice`);
    handlers.set(method, handler);
    return this;
  }

  get(template: string, handler: Handler, multiSegment?: string[]): this {
    return this.on('GET', template, handler, multiSegment);
  }
  post(template: string, handler: Handler, multiSegment?: string[]): this {
    return this.on('POST', template, handler, multiSegment);
  }
  patch(template: string, handler: Handler, multiSegment?: string[]): this {
    return this.on('PATCH', template, handler, multiSegment);
  }
  put(template: string, handler: Handler, multiSegment?: string[]): this {
    return this.on('PUT', template, handler, multiSegment);
  }
  delete(template: string, handler: Handler, multiSegment?: string[]): this {
    return this.on('DELETE', template, handler, multiSegment);
  }

  match(method: string, path: string): RouteMatch | undefined {
    const lookup = method === 'HEAD' ? 'GET' : method;
    const found = this.templates.match(path, (handlers) => handlers.has(lookup));
    if (!found) return undefined;
    return { route: `${lookup} ${found.template}`, handler: found.value.get(lookup)!, params: found.params };
  }

  /** Every registered route, e.g. to list what the fake implements. */
  routes(): string[] {
    return [...this.byTemplate].flatMap(([template, handlers]) => [...handlers.keys()].map((m) => `${m} ${template}`));
  }
}
