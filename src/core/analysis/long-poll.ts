/**
 * Durable Streams long-poll: one logical stream made of many short requests, each
 * `GET ?offset=<o>&live=long-poll` asking from the `Stream-Next-Offset` the previous answer
 * gave (the first is often a catch-up read without `live`). The library's SSE read starts the
 * same way, a catch-up and then `live=sse` from its offset, so the two are one stream too. Read one by one, each is a
 * "stream" of one or two messages that ends cleanly, and no verdict or flag can see the
 * generation they carry together. Here successive reads of the same stream that chain by offset
 * become one analyzed connection: its events, frames and recognized events in order, its answer
 * reassembled across them.
 *
 * A read that broke (network error) ends its chain: the read after it is the reconnect, and the
 * offset it asks for is its resume request. The logical stream keeps the first read's URL (the
 * offset it started from) and the last read's id and end, so a drop injected into the read that
 * was live names the logical stream it belongs to.
 */
import { durableStreamRead } from '../protocols';
import type { Frame, Recognition } from '../protocols';
import { collectHandles } from '../protocols';
import { reassemble } from '../reassembly';
import type { ConnectionCapture, TraceEvent } from '../trace/model';
import type { AnalyzedConnection } from './connection';

function streamPath(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}

function nextOffset(c: AnalyzedConnection): string | undefined {
  return c.conn.summary.responseHeaders.find(([k]) => k.toLowerCase() === 'stream-next-offset')?.[1];
}

/** A Durable Streams read: catch-up, long-poll, or the SSE read a catch-up hands over to. */
function streamRead(c: AnalyzedConnection): boolean {
  const s = c.conn.summary;
  if ((s.kind !== 'fetch' && s.kind !== 'xhr') || s.method !== 'GET') return false;
  const read = durableStreamRead(s.url);
  if (read === null) return false;
  // A long-poll cut while it waited got no answer to recognize; its URL still says what it was,
  // and it joins a chain only where its offset is the one the previous read handed out.
  return c.recognition.protocol === 'durable-streams' || (read.live === 'long-poll' && c.conn.events.every((e) => e.dir === 'out'));
}

const isSse = (c: AnalyzedConnection): boolean => durableStreamRead(c.conn.summary.url)?.live === 'sse';

function merge(chain: AnalyzedConnection[]): AnalyzedConnection {
  const first = chain[0]!;
  const last = chain.at(-1)!;
  const events: TraceEvent[] = [];
  const frames: Frame[] = [];
  const recEvents: Recognition['events'] = [];
  for (const c of chain) {
    const eventBase = events.length;
    const frameBase = frames.length;
    for (const e of c.conn.events) events.push({ ...e, seq: eventBase + e.seq });
    for (const f of c.recognition.frames) frames.push({ ...f, index: frameBase + f.index, at: { first: eventBase + f.at.first, last: eventBase + f.at.last } });
    // A 204 carries no frame; its events still point at frame 0 of its own read.
    for (const e of c.recognition.events) recEvents.push({ ...e, frame: frameBase + Math.min(e.frame, Math.max(0, c.recognition.frames.length - 1)) });
  }
  const s = last.conn.summary;
  const conn: ConnectionCapture = {
    summary: {
      ...s,
      url: first.conn.summary.url,
      startedAt: first.conn.summary.startedAt,
      streaming: true,
      events: events.length,
      bytesIn: chain.reduce((n, c) => n + c.conn.summary.bytesIn, 0),
      bytesOut: chain.reduce((n, c) => n + c.conn.summary.bytesOut, 0),
      // A fault injected into any read happened to the logical stream.
      faults: chain.flatMap((c) => c.conn.summary.faults),
      detail: `Durable Streams: ${chain.length} reads as one stream`,
    },
    events,
  };
  const recognition: Recognition = { ...last.recognition, frames, events: recEvents, handles: collectHandles(frames, recEvents) };
  const output = reassemble(recognition);
  const isAiStream = recEvents.some((e) => e.type === 'text-delta' || e.type === 'reasoning-delta' || e.type === 'tool-call-delta');
  return { conn, recognition, output, isAiStream, parts: chain };
}

/**
 * The origin and path the requests of a long-poll stream share, for a fault that must follow
 * the stream from request to request; null when its live read is one request that goes on (an
 * SSE read, even after the catch-up read it was joined with) or it is no Durable Streams read.
 */
export function longPollPath(c: AnalyzedConnection): string | null {
  const live = c.parts?.at(-1) ?? c;
  return durableStreamRead(live.conn.summary.url)?.live === 'long-poll' && streamRead(live) ? streamPath(live.conn.summary.url) : null;
}

/**
 * The connections with each chain of Durable Streams long-poll reads folded into one, and a
 * catch-up read that no long-poll continues marked as history rather than a live stream.
 */
export function joinLongPolls(conns: AnalyzedConnection[]): AnalyzedConnection[] {
  const reads = conns.filter(streamRead).sort((a, b) => a.conn.summary.startedAt - b.conn.summary.startedAt);
  if (reads.length === 0) return conns;
  const chains: AnalyzedConnection[][] = [];
  const open: AnalyzedConnection[][] = [];
  for (const r of reads) {
    const read = durableStreamRead(r.conn.summary.url)!;
    const chain = open.find((ch) => {
      const tail = ch.at(-1)!;
      // An SSE read goes on until the stream closes: nothing continues it but a reconnect.
      return !isSse(tail) && streamPath(tail.conn.summary.url) === streamPath(r.conn.summary.url) && nextOffset(tail) === read.offset && tail.conn.summary.end !== 'network-error';
    });
    if (chain) chain.push(r);
    else {
      const fresh = [r];
      open.push(fresh);
      chains.push(fresh);
    }
  }
  const merged = new Map<AnalyzedConnection, AnalyzedConnection | null>();
  for (const ch of chains) {
    // A lone catch-up read (no `live`) loads the history once: it follows no generation.
    if (ch.length === 1 && durableStreamRead(ch[0]!.conn.summary.url)!.live === null) merged.set(ch[0]!, { ...ch[0]!, isAiStream: false });
    // A lone read of any other kind is already the stream it is.
    if (ch.length === 1) continue;
    const m = merge(ch);
    ch.forEach((c, i) => merged.set(c, i === 0 ? m : null));
  }
  if (merged.size === 0) return conns;
  return conns.flatMap((c) => {
    if (!merged.has(c)) return [c];
    const m = merged.get(c);
    return m ? [m] : [];
  });
}
