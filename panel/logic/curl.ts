/** "Copy as cURL": a command that replays the request as the app sent it (as far as it was captured). */
import type { Header } from '../../src/core/trace/records';

export interface CurlInput {
  method: string;
  url: string;
  headers: readonly Header[];
  body: string | null;
  /** Adds -N so curl prints a stream as it arrives instead of buffering it. */
  streaming?: boolean;
}

/**
 * POSIX single-quoting: nothing inside is expanded by bash or zsh. A NUL cannot be carried in
 * a shell word at all, so it is dropped rather than let it cut the command short.
 */
export function shellQuote(s: string): string {
  return `'${s.replace(/\0/g, '').replace(/'/g, `'\\''`)}'`;
}

export function toCurl(req: CurlInput): string {
  const parts = [`curl ${shellQuote(req.url)}`];
  const method = req.method.toUpperCase();
  const hasBody = req.body !== null && req.body !== '';
  // curl infers GET, and POST from --data-raw; anything else must be said.
  if (!(method === 'GET' && !hasBody) && !(method === 'POST' && hasBody)) parts.push(`-X ${shellQuote(method)}`); // the page chose the method: quoted like everything else
  for (const [name, value] of req.headers) parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (hasBody) parts.push(`--data-raw ${shellQuote(req.body!)}`);
  if (req.streaming) parts.push('-N');
  return parts.join(' \\\n  ');
}
