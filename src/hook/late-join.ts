/**
 * What the hook keeps of a page's connections while nothing records the tab, so that a
 * connection opened before the panel (a WebSocket opened at page load, a generation already
 * streaming) joins the capture when recording begins instead of being lost.
 *
 * Kept at dormant cost: a bounded registry of the connections still open (their open and
 * response records), and one bounded buffer of the most recent records of those connections,
 * oldest dropped first. What the buffer drops is counted per connection, frames and bytes, and
 * rides on the connection's open record (`joinedLate`) when it is announced.
 *
 * A message listener costs the page a call per message whether or not anything records, and
 * on a fast stream that alone is most of what the page spends (bench/capture-overhead.ts:
 * ×2.4 for 50,000 EventSource messages the app only counts). So while dormant each WebSocket
 * and EventSource is listened to for its first `LATE_FRAMES_PER_CONNECTION` messages only;
 * then its listeners are removed until recording begins (message-transport.ts `ears`), and its
 * join says that the frames in between were not counted (`uncounted`).
 *
 * This runs in the page: built-ins only through core/builtins.ts.
 */
import type { CaptureRecord, Direction, OpenRecord, ResponseRecord } from '../core/trace/records';
import { SafeMap, append } from '../core/builtins';

/** Payload bytes of buffered frames, across the document's connections. */
export const LATE_BUFFER_BYTES = 256 * 1024;
/** Buffered records of any kind: bounds records that carry no payload (state changes, empty chunks). */
export const LATE_BUFFER_RECORDS = 4096;
/**
 * Connections tracked while dormant. With the records above, what recording's start posts
 * (an open and a response per connection, the buffer, a page note) fits one batch of the relay.
 */
export const LATE_CONNECTIONS = 256;
/**
 * Messages of one WebSocket or EventSource heard while dormant before the hook stops listening
 * to it: enough for a connection's opening exchange and a short generation, few enough that a
 * long fast stream costs the page a fraction of a percent more than with no extension.
 */
export const LATE_FRAMES_PER_CONNECTION = 256;

export interface LateJoinLimits {
  bytes: number;
  records: number;
  connections: number;
}

interface Entry {
  /** The open record, until the connection is announced; null once it is (or was opened while recording). */
  open: OpenRecord | null;
  response: ResponseRecord | null;
  missedFrames: number;
  missedBytes: number;
  /** Ended before it was announced: its buffered records are of no use and no longer count. */
  dead: boolean;
  /** The hook stopped listening to it while dormant: frames since then were not counted. */
  uncounted: boolean;
  bufferedBytes: number;
  bufferedRecords: number;
}

/**
 * One buffered record. A data frame kept while dormant is not a record yet: its fields are kept
 * as they came (text, or the hook's own copy of the bytes) and the record, base64 and all, is
 * built only if it is drained. `record` is null for such a frame.
 */
interface Node {
  entry: Entry;
  record: CaptureRecord | null;
  size: number;
  next: Node | null;
  conn: string;
  time: number;
  dir: Direction;
  text: string | null;
  bytes: Uint8Array | null;
  event: string | null;
  id: string | null;
}

export interface LateJoinDrain {
  /** In order: each new connection's open (with `joinedLate`) and response, then the buffer. */
  records: CaptureRecord[];
  /** Frames of connections announced before recording stopped that the buffer could not keep. */
  missedFrames: number;
  /** Connections announced before recording stopped that the hook stopped listening to while dormant. */
  uncountedConnections: number;
}

export interface LateJoin {
  /** Whether a connection opened now can be tracked while dormant. */
  hasRoom(): boolean;
  /** While recording: a record that was posted (opens and ends keep the registry current). */
  posted(r: CaptureRecord): void;
  /** While dormant: keeps the record if it belongs to a known connection; false when it does not. */
  keep(r: CaptureRecord): boolean;
  /**
   * While dormant: a data frame of a known connection, kept without building its record
   * (`bytes` must be the hook's own copy; null when the frame is too large to keep its bytes).
   * False when the connection is not tracked.
   */
  keepData(conn: string, dir: Direction, text: string | null, bytes: Uint8Array | null, size: number, event: string | null, id: string | null, time: number): boolean;
  /** While dormant: the hook stopped listening to this connection's messages (see LATE_FRAMES_PER_CONNECTION). */
  stoppedHearing(conn: string): void;
  /** Recording begins: what to post, oldest first; the buffer and the missed counts start over. `encode` makes kept bytes base64. */
  drain(encode: (bytes: Uint8Array) => string): LateJoinDrain;
}

export function createLateJoin(limits: LateJoinLimits = { bytes: LATE_BUFFER_BYTES, records: LATE_BUFFER_RECORDS, connections: LATE_CONNECTIONS }): LateJoin {
  const open = new SafeMap<string, Entry>();
  let head: Node | null = null;
  let tail: Node | null = null;
  let bytes = 0;
  let records = 0;
  let missedOfAnnounced = 0;
  let uncountedOfAnnounced = 0;

  const entry = (r: OpenRecord | null): Entry => ({ open: r, response: null, missedFrames: 0, missedBytes: 0, dead: false, uncounted: false, bufferedBytes: 0, bufferedRecords: 0 });

  const evictOldest = (): void => {
    const n = head!;
    head = n.next;
    if (!head) tail = null;
    if (n.entry.dead) return;
    bytes -= n.size;
    records -= 1;
    n.entry.bufferedBytes -= n.size;
    n.entry.bufferedRecords -= 1;
    if (n.record !== null && n.record.type !== 'data') return;
    if (n.entry.open === null) missedOfAnnounced += 1;
    n.entry.missedFrames += 1;
    n.entry.missedBytes += n.size;
  };

  const link = (e: Entry, n: Node, size: number): void => {
    if (tail) tail.next = n;
    else head = n;
    tail = n;
    bytes += size;
    records += 1;
    e.bufferedBytes += size;
    e.bufferedRecords += 1;
    while (head && (bytes > limits.bytes || records > limits.records)) evictOldest();
  };
  const buffer = (e: Entry, r: CaptureRecord): void => {
    const size = r.type === 'data' ? r.size : 0;
    link(e, { entry: e, record: r, size, next: null, conn: r.conn, time: r.time, dir: 'in', text: null, bytes: null, event: null, id: null }, size);
  };

  return {
    hasRoom: () => open.size < limits.connections,
    posted(r) {
      if (r.type === 'open') {
        if (open.size < limits.connections) open.set(r.conn, entry(null));
      } else if (r.type === 'end') open.delete(r.conn);
    },
    keep(r) {
      if (r.type === 'page') return false;
      if (r.type === 'open') {
        if (open.size >= limits.connections) return false;
        open.set(r.conn, entry(r));
        return true;
      }
      const e = open.get(r.conn);
      if (!e) return false;
      if (r.type === 'response' && e.open !== null && e.response === null) {
        e.response = r;
        return true;
      }
      if (r.type === 'end') {
        open.delete(r.conn);
        if (e.open !== null) {
          // Ended before anyone looked: nothing of it will be shown, so it frees its share now.
          e.dead = true;
          bytes -= e.bufferedBytes;
          records -= e.bufferedRecords;
          return true;
        }
      }
      buffer(e, r);
      return true;
    },
    keepData(conn, dir, text, bytes, size, event, id, time) {
      const e = open.get(conn);
      if (!e) return false;
      link(e, { entry: e, record: null, size, next: null, conn, time, dir, text, bytes, event, id }, size);
      return true;
    },
    stoppedHearing(conn) {
      const e = open.get(conn);
      if (!e || e.uncounted) return;
      e.uncounted = true;
      if (e.open === null) uncountedOfAnnounced += 1;
    },
    drain(encode) {
      const out: CaptureRecord[] = [];
      const entries = open.values();
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i]!;
        if (e.open === null) continue;
        const joinedLate = { missedFrames: e.missedFrames, missedBytes: e.missedBytes, ...(e.uncounted ? { uncounted: true } : {}) };
        append(out, { ...e.open, joinedLate } as CaptureRecord);
        if (e.response) append(out, e.response);
        e.open = null;
        e.response = null;
      }
      for (let n = head; n; n = n.next) {
        if (n.entry.dead) continue;
        append(out, n.record ?? { type: 'data', conn: n.conn, time: n.time, dir: n.dir, text: n.text, base64: n.bytes ? encode(n.bytes) : null, size: n.size, event: n.event, id: n.id });
      }
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i]!;
        e.missedFrames = 0;
        e.missedBytes = 0;
        e.uncounted = false;
        e.bufferedBytes = 0;
        e.bufferedRecords = 0;
      }
      const missedFrames = missedOfAnnounced;
      const uncountedConnections = uncountedOfAnnounced;
      head = tail = null;
      bytes = records = missedOfAnnounced = uncountedOfAnnounced = 0;
      return { records: out, missedFrames, uncountedConnections };
    },
  };
}
