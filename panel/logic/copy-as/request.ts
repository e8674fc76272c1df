/** The request a "Copy as …" command replays: as the app sent it, as far as it was captured. */
import type { Header } from '../../../src/core/trace/records';

export interface CopyRequest {
  method: string;
  url: string;
  headers: readonly Header[];
  body: string | null;
  /** The response streams: curl gets -N so it prints the stream as it arrives. */
  streaming?: boolean;
}

const NORMALIZED = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/** fetch upper-cases only these six; any other method (`patch`) goes on the wire as written. */
export function wireMethod(method: string): string {
  const up = method.toUpperCase();
  return NORMALIZED.has(up) ? up : method;
}

export const hasBody = (req: CopyRequest): boolean => req.body !== null && req.body !== '';

/**
 * curl's arguments, before quoting. The URL goes first (as browsers write it) unless it would
 * read as an option: a page or a HAR file can record `-o/some/file` as a URL.
 */
export function curlArgs(req: CopyRequest): string[][] {
  const groups: string[][] = [req.url.startsWith('-') ? ['--url', req.url] : [req.url]];
  const method = wireMethod(req.method);
  const body = hasBody(req);
  // curl infers GET, and POST from --data-raw; anything else must be said.
  if (!(method === 'GET' && !body) && !(method === 'POST' && body)) groups.push(['-X', method]);
  for (const [name, value] of req.headers) groups.push(['-H', `${name}: ${value}`]);
  if (body) groups.push(['--data-raw', req.body!]);
  if (req.streaming) groups.push(['-N']);
  return groups;
}

/** Literal option names stay bare; everything that came from the capture is quoted. */
export function joinCurl(req: CopyRequest, quote: (s: string) => string, continuation: string): string {
  const isOption = (s: string, i: number) => i === 0 && /^-[-A-Za-z]+$/.test(s) && s !== req.url;
  return `curl ${curlArgs(req)
    .map((g) => g.map((s, i) => (isOption(s, i) ? s : quote(s))).join(' '))
    .join(continuation)}`;
}
