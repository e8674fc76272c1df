/**
 * A connection's identities: the ids of the generation it belongs to, wherever they ride —
 * conversation / chat / run / stream / session ids in its URL path, query, headers or request
 * body, and the message, run, stream, response and session ids its stream carried (SSE-less
 * Socket.IO recovery `pid`s included). A later connection that shares one with a dropped one
 * resumes it, whatever its URL, method or transport (`POST /api/chat` is resumed by
 * `GET /api/chat/<id>/stream`).
 */
import { correlationIds, jsonObjectOf } from '../trace/correlation';
import type { AnalyzedConnection } from './connection';

const HANDLE_KINDS = new Set(['message-id', 'run-id', 'stream-id', 'response-id', 'conversation-id', 'session-id']);

/** Ids that are ids: long enough, with a digit or id punctuation, not a plain word. */
function idLike(v: string): boolean {
  if (v.length < 6 || v.length > 200 || /\s/.test(v)) return false;
  return (/\d/.test(v) && /[a-z]/i.test(v)) || /^[0-9a-f-]{16,}$/i.test(v) || (/[_-]/.test(v) && /\d/.test(v));
}

function fromBody(preview: string | null, out: Set<string>): void {
  for (const [k, v] of Object.entries(jsonObjectOf(preview) ?? {})) {
    if ((k === 'id' || /(Id|_id|ID)$/.test(k)) && typeof v === 'string' && idLike(v)) out.add(v);
  }
}

function fromUrl(url: string, out: Set<string>): void {
  try {
    const u = new URL(url);
    for (const seg of u.pathname.split('/')) if (idLike(decodeURIComponent(seg))) out.add(decodeURIComponent(seg));
    for (const [k, v] of u.searchParams) if (!/^(eio|transport|t|v|_)$/i.test(k) && idLike(v)) out.add(v);
  } catch {
    // No URL, no ids from it.
  }
}

export function identitiesOf(a: AnalyzedConnection): Set<string> {
  const s = a.conn.summary;
  const out = new Set<string>();
  for (const id of correlationIds(s)) out.add(id.slice(id.indexOf(':') + 1));
  fromUrl(s.url, out);
  fromBody(s.requestBodyPreview, out);
  for (const h of a.recognition.handles) if (HANDLE_KINDS.has(h.kind) && idLike(h.value)) out.add(h.value);
  return out;
}

/** The identities two connections share. */
export function sharedIdentities(a: AnalyzedConnection, b: AnalyzedConnection): string[] {
  const mine = identitiesOf(a);
  return [...identitiesOf(b)].filter((id) => mine.has(id));
}
