/**
 * Correlation ids: the conversation, run, stream or session ids a connection carries in its
 * URL, headers or request body. Connections of one page load that share them belong to the
 * same logical session, and a second tab whose connections carry the same ids is linked to it
 * (the multi-surface test needs exactly that link).
 */
import type { ConnectionSummary } from './model';

export type CorrelationKind = 'conversation' | 'thread' | 'session' | 'run' | 'stream' | 'chat';

/** `kind:value`, e.g. `conversation:c_8f2k1`. */
export type CorrelationId = `${CorrelationKind}:${string}`;

const KEY_KINDS: [RegExp, CorrelationKind][] = [
  [/^(c|cid|conv|conversation(_?id)?)$/i, 'conversation'],
  [/^thread(_?id)?$/i, 'thread'],
  [/^(session(_?id)?|sid|mcp-session-id|x-session-id)$/i, 'session'],
  [/^run(_?id)?$/i, 'run'],
  [/^stream(_?id)?$/i, 'stream'],
  [/^chat(_?id)?$/i, 'chat'],
  [/^x-(conversation|thread|run|stream|chat)-id$/i, 'conversation'],
];

/** Path segments that name a collection whose next segment is an id. */
const COLLECTIONS: Record<string, CorrelationKind> = {
  conversations: 'conversation',
  conversation: 'conversation',
  threads: 'thread',
  thread: 'thread',
  sessions: 'session',
  session: 'session',
  runs: 'run',
  run: 'run',
  streams: 'stream',
  stream: 'stream',
  chats: 'chat',
  chat: 'chat',
};

/** An id looks like one: long enough and not a plain word or small number. */
function looksLikeId(v: string): boolean {
  if (v.length < 4 || v.length > 200) return false;
  if (/^(true|false|null|undefined|stream|events|api|v\d+)$/i.test(v)) return false;
  return /\d/.test(v) || /^[0-9a-f-]{16,}$/i.test(v) || /[_-]/.test(v);
}

function kindOfKey(key: string): CorrelationKind | null {
  for (const [re, kind] of KEY_KINDS) {
    if (re.test(key)) return kind === 'conversation' && /^x-/i.test(key) ? (key.slice(2, -3).toLowerCase() as CorrelationKind) : kind;
  }
  return null;
}

function fromUrl(url: string, out: Set<CorrelationId>): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return;
  }
  for (const [key, value] of u.searchParams) {
    const kind = kindOfKey(key);
    if (kind && looksLikeId(value)) out.add(`${kind}:${value}`);
  }
  const segments = u.pathname.split('/').filter(Boolean);
  segments.forEach((seg, i) => {
    const kind = COLLECTIONS[seg.toLowerCase()];
    const next = segments[i + 1];
    if (kind && next && looksLikeId(next)) out.add(`${kind}:${decodeURIComponent(next)}`);
  });
}

/** A request body preview as a JSON object, or null when it is not one. */
export function jsonObjectOf(preview: string | null): Record<string, unknown> | null {
  if (!preview) return null;
  try {
    const body: unknown = JSON.parse(preview);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function fromJson(preview: string, out: Set<CorrelationId>): void {
  const body = jsonObjectOf(preview);
  if (!body) return;
  for (const [key, value] of Object.entries(body)) {
    const kind = kindOfKey(key);
    if (kind && typeof value === 'string' && looksLikeId(value)) out.add(`${kind}:${value}`);
  }
}

export function correlationIds(c: Pick<ConnectionSummary, 'url' | 'requestHeaders' | 'responseHeaders'> & { requestBodyPreview?: string | null }): CorrelationId[] {
  const out = new Set<CorrelationId>();
  fromUrl(c.url, out);
  for (const [name, value] of [...c.requestHeaders, ...c.responseHeaders]) {
    const kind = kindOfKey(name);
    if (kind && looksLikeId(value)) out.add(`${kind}:${value}`);
  }
  if (c.requestBodyPreview) fromJson(c.requestBodyPreview, out);
  return [...out];
}

/** Whether two sets of correlation ids name the same logical session. */
export function sharesCorrelation(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return b.some((id) => set.has(id));
}
