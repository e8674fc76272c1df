/** Tiny method + path-pattern router for mode APIs. Patterns use :name segments. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendError } from './http.js';

type Handler = (req: IncomingMessage, res: ServerResponse, params: Record<string, string>, url: URL) => Promise<void> | void;

interface Route {
  method: string;
  re: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private routes: Route[] = [];

  on(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const re = new RegExp(
      '^' +
        pattern.replace(/:([a-zA-Z]+)/g, (_m, n: string) => {
          names.push(n);
          return '([^/]+)';
        }) +
        '$',
    );
    this.routes.push({ method, re, names, handler });
    return this;
  }

  /** Dispatches; sends 404/405 itself. HttpErrors become JSON errors. */
  async dispatch(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== req.method) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
      try {
        await r.handler(req, res, params, url);
      } catch (err) {
        if (err instanceof HttpError) sendError(res, err.status, err.message);
        else {
          sendError(res, 500, 'internal error');
          console.error('[demo]', err);
        }
      }
      return;
    }
    if (pathMatched) sendError(res, 405, `method ${req.method} not allowed`);
    else sendError(res, 404, `no route ${req.method} ${url.pathname}`);
  }
}

export const CID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export function checkCid(cid: string): void {
  if (!CID_RE.test(cid)) throw new HttpError(400, 'invalid conversation id: use 1-64 chars of [A-Za-z0-9_-]');
}
