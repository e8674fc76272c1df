/** Requests that carry one hostile value in one part each, and all of them in every part at once. */
import type { Header } from '../../../src/core/trace/records';
import { ALL_HOSTILE, HOSTILE } from './hostile.fixture';

export interface Req {
  method: string;
  url: string;
  headers: Header[];
  body: string | null;
}

export function hostileRequests(): { name: string; req: Req }[] {
  const out: { name: string; req: Req }[] = [];
  for (const [name, v] of Object.entries(HOSTILE)) {
    out.push({ name: `method ${name}`, req: { method: v, url: 'https://h.test/x', headers: [], body: null } });
    out.push({ name: `url ${name}`, req: { method: 'GET', url: `https://h.test/${v}`, headers: [], body: null } });
    out.push({ name: `header ${name}`, req: { method: 'GET', url: 'https://h.test/x', headers: [[`x-${v}`, v]], body: null } });
    out.push({ name: `body ${name}`, req: { method: 'POST', url: 'https://h.test/x', headers: [['content-type', 'text/plain']], body: v } });
  }
  out.push({ name: 'everything', req: { method: ALL_HOSTILE, url: ALL_HOSTILE, headers: [[ALL_HOSTILE, ALL_HOSTILE], ['b', ALL_HOSTILE]], body: ALL_HOSTILE } });
  out.push({ name: 'url that looks like an option', req: { method: 'GET', url: '-o/tmp/pwned', headers: [], body: null } });
  return out;
}
