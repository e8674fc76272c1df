/**
 * A tab's snapshot in pieces a browser can carry. Chrome refuses an extension message over
 * 64 MiB ("Message length exceeded maximum allowed length"), and a capture is bounded by a byte
 * budget of 128 MiB by default: the snapshot a panel gets when it opens on a long capture (a
 * million WebSocket frames, measured in bench/memory.ts) did not arrive at all. So the events
 * past a byte limit leave the snapshot and follow it in parts, each under the limit, in order.
 */
import type { ConnectionCapture, TabSnapshot, TraceEvent } from './model';

/** Payload and per-event overhead a message may carry: well under Chrome's 64 MiB. */
export const SNAPSHOT_PART_BYTES = 16 * 1024 * 1024;

/**
 * Events a listing-first snapshot (subscribe `listFirst`, what the panel asks for) carries inline
 * before the rest follow in parts. The panel lists the connections from the snapshot (their
 * summaries hold the counts), so a small snapshot shows the list at once: a 16 MiB one (100,000 WebSocket frames, bench/panel-scale.ts) cost the worker
 * ~300 ms to serialize and the panel ~200 ms to parse, then analysis, before the first row
 * appeared; what is inline is still analyzed before that paint (the timeline's lanes), ~10 ms per
 * 1,000 events. 256 KiB still holds the first events of most connections (the protocol column
 * reads the first 64), and a capture under it needs no parts at all.
 */
export const SNAPSHOT_INLINE_BYTES = 256 * 1024;

/** What one event costs a message, roughly: its payload as JSON plus its fields. */
export function eventWeight(e: TraceEvent): number {
  return (e.text?.length ?? 0) + (e.base64?.length ?? 0) + (e.event?.length ?? 0) + (e.id?.length ?? 0) + 96;
}

export interface SnapshotPart {
  connectionId: string;
  /** The connection's next events, in order (they follow what the snapshot and earlier parts held). */
  events: TraceEvent[];
}

/**
 * The snapshot with at most `inline` of events (by weight) and the rest as parts of at most
 * `limit` each. The summaries, signals and everything else stay in the snapshot.
 */
export function splitSnapshot(snapshot: TabSnapshot, limit = SNAPSHOT_PART_BYTES, inline = limit): { snapshot: TabSnapshot; parts: SnapshotPart[] } {
  let room = inline;
  const parts: SnapshotPart[] = [];
  let part: SnapshotPart | null = null;
  let partRoom = 0;
  const connections: ConnectionCapture[] = snapshot.connections.map((c) => {
    let kept = 0;
    for (; kept < c.events.length; kept++) {
      const w = eventWeight(c.events[kept]!);
      if (room - w < 0) break;
      room -= w;
    }
    // Once one connection overflows, later ones keep none inline: their events all follow.
    if (kept < c.events.length) room = 0;
    for (let i = kept; i < c.events.length; i++) {
      const e = c.events[i]!;
      const w = eventWeight(e);
      if (!part || part.connectionId !== c.summary.id || (partRoom - w < 0 && part.events.length > 0)) {
        part = { connectionId: c.summary.id, events: [] };
        parts.push(part);
        partRoom = limit;
      }
      part.events.push(e);
      partRoom -= w;
    }
    return kept === c.events.length ? c : { ...c, events: c.events.slice(0, kept) };
  });
  return { snapshot: parts.length === 0 ? snapshot : { ...snapshot, connections }, parts };
}

/**
 * Puts a part's events after its connection's (found in `capture` by id), as splitSnapshot
 * took them off. One at a time, not `push(...events)`: a part holds up to millions of events,
 * more arguments than a call takes. False when the connection is not there (a part of another
 * snapshot), which then gains nothing.
 */
export function appendPart(capture: ReadonlyMap<string, ConnectionCapture>, part: SnapshotPart): boolean {
  const events = capture.get(part.connectionId)?.events;
  if (!events) return false;
  for (const e of part.events) events.push(e);
  return true;
}
