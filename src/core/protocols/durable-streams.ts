/**
 * Durable Streams (the Electric Durable Stream Protocol; wire facts from @durable-streams/client
 * `dist/index.d.ts` constants and @durable-streams/server's handler): a stream is a URL read
 * with `GET ?offset=<o>` (`-1` = from the start), `&live=long-poll` or `&live=sse`, and
 * `&cursor=<c>` echoed from the last answer. A catch-up or long-poll answer is the stream's
 * JSON messages as one array with headers `Stream-Next-Offset`, `Stream-Cursor`,
 * `Stream-Up-To-Date` and, at EOF, `Stream-Closed: true` (a long-poll with nothing new is a
 * 204). Over SSE, `event: data` carries a JSON array of messages and `event: control` carries
 * `{streamNextOffset, streamCursor, upToDate, streamClosed}`. The offset is the resume handle:
 * a reader that reconnects with the last one it saw continues exactly after it.
 *
 * The messages themselves are the app's own JSON, read with the generic field heuristics;
 * items the user wrote (`type`/`role` "user") are not the answer.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, Frame, Recognizer } from './types';
import { payloadEvents } from './generic-fields';
import { Emitter, get, header, isObj, someFrame, str } from './util';

/** Whether a connection's URL reads a Durable Stream (offset plus live or cursor). */
export function durableStreamRead(url: string): { offset: string; live: string | null; cursor: string | null } | null {
  try {
    const u = new URL(url, 'http://x');
    const offset = u.searchParams.get('offset');
    if (offset === null) return null;
    return { offset, live: u.searchParams.get('live'), cursor: u.searchParams.get('cursor') };
  } catch {
    return null;
  }
}

const isControl = (f: Frame): boolean => f.kind === 'sse' && f.event === 'control' && get(f.json, 'streamNextOffset') !== undefined;

function detect(conn: ConnectionCapture, frames: Frame[]) {
  if (conn.summary.kind === 'websocket') return null;
  const byHeader = header(conn, 'stream-next-offset', 'response') !== undefined;
  const control = someFrame(frames, isControl);
  const read = durableStreamRead(conn.summary.url);
  if (!byHeader && !control) return null;
  return { confidence: Math.min(1, 0.9 + (read ? 0.1 : 0)), guess: false };
}

function items(em: Emitter, x: unknown): void {
  for (const item of Array.isArray(x) ? x : [x]) {
    const who = str(get(item, 'role')) ?? str(get(item, 'type'));
    if (who === 'user') {
      em.emit({ type: 'message-start', role: 'user' });
      continue;
    }
    const before = em.events.length;
    payloadEvents(em, item, { textIfString: true });
    if (em.events.length === before) em.step(str(get(item, 'type')) ?? 'message');
  }
}

function parse(conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const em = new Emitter();
  const ins = frames.filter((f) => f.dir === 'in');
  for (const f of frames) {
    if (!em.incoming(f)) continue;
    if (f.kind === 'sse' && f.event === 'control') {
      const j = f.json;
      if (!isObj(j)) {
        em.parseError(f, f.error ?? 'control event without JSON');
        continue;
      }
      em.handle('offset', j.streamNextOffset);
      em.handle('cursor', j.streamCursor);
      if (j.streamClosed === true) em.emit({ type: 'finish', reason: 'stream closed' });
      else em.step(j.upToDate === true ? 'up-to-date' : 'control');
      continue;
    }
    if (f.json === undefined) {
      if (f.data.trim() !== '') em.parseError(f, f.error ?? 'not a Durable Streams message');
      continue;
    }
    // A catch-up or long-poll answer: its position rides in the response headers, once.
    if (f.kind !== 'sse' && f === ins.at(-1)) {
      em.handle('offset', header(conn, 'stream-next-offset', 'response'));
      em.handle('cursor', header(conn, 'stream-cursor', 'response'));
    }
    items(em, f.json);
  }
  if (ins.length === 0 || ins.every((f) => f.kind !== 'sse')) {
    // A 204 long-poll has no body; its headers still say where the stream is, and whether it ended.
    const offset = header(conn, 'stream-next-offset', 'response');
    if (ins.length === 0 && offset !== undefined) {
      em.begin({ index: 0, dir: 'in', kind: 'text', data: '', at: { first: 0, last: 0 }, time: conn.summary.startedAt });
      em.handle('offset', offset);
      em.handle('cursor', header(conn, 'stream-cursor', 'response'));
      em.step('no new data');
    }
    if (header(conn, 'stream-closed', 'response') === 'true') em.emit({ type: 'finish', reason: 'stream closed' });
  }
  return em.events;
}

export const durableStreams: Recognizer = { id: 'durable-streams', name: 'Durable Streams', detect, parse };
