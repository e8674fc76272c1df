/**
 * A batch's data frames as columns: the wire form of hook → relay → background.
 *
 * Most of what a recording tab captures is data frames (one per EventSource message or
 * WebSocket frame, 50,000 of them in the capture benchmark). As one object each, the page paid
 * to build every object, to clone it to the relay, and the relay paid to rebuild it and to
 * serialize it again for the background (README, "Where the recording time goes in the page").
 * As columns the hook only appends a frame's fields to a few flat lists, the clones carry
 * arrays of strings and numbers, and the relay checks each column without building objects.
 * The frames become records again in the service worker (`mergeFrames`), off the page.
 *
 * Records of every other type (and frames with a control mark, which are rare) still travel as
 * objects in the batch's `records`; `at` says where each falls among the frames, so the merged
 * order is the order the hook captured them in.
 */
import { appendOwn, ownList, SafeMap, type OwnList } from '../builtins';
import { DIRECTIONS, sanitizeRecord, type CaptureRecord, type DataRecord, type Direction, type SanitizeLimits } from './records';

export interface FrameColumns {
  /** Each connection id once: `conn` holds indexes into it. */
  conns: string[];
  conn: number[];
  time: number[];
  dir: Direction[];
  text: (string | null)[];
  base64: (string | null)[];
  size: number[];
  event: (string | null)[];
  id: (string | null)[];
  /** For each of the batch's object records, in order: how many frames come before it. */
  at: number[];
}

/** The columns' per-frame lists (all but `conns` and `at`). */
const FRAME_FIELDS = ['conn', 'time', 'dir', 'text', 'base64', 'size', 'event', 'id'] as const;

/** Limits the relay applies to frames, as `sanitizeRecord` does to a data record's fields. */
export interface FrameLimits {
  stringBytes: number;
}
const CONN_CHARS = 128;
const EVENT_CHARS = 256;
const ID_CHARS = 1024;

// ---------------------------------------------------------------- the hook's side

/**
 * The hook's outbox: object records and frames, in capture order. It runs in the page, so it
 * keeps to core/builtins.ts: lists without a prototype, filled by plain stores.
 */
export interface BatchWriter {
  /** Records and frames held. */
  readonly length: number;
  record(r: CaptureRecord): void;
  frame(conn: string, time: number, dir: Direction, text: string | null, base64: string | null, size: number, event: string | null, id: string | null): void;
  /** What is held, as a batch's `records` and `frames` (none when no frame is held); starts over. */
  take(): { records: CaptureRecord[]; frames: FrameColumns | null };
  /**
   * What is held as records, in capture order (for the rare paths that need objects); starts
   * over. A list without a prototype, like the rest of the hook's lists: read it by index.
   */
  drain(): OwnList<CaptureRecord>;
}

export function createBatchWriter(): BatchWriter {
  let records: OwnList<CaptureRecord> = ownList();
  let at: OwnList<number> = ownList();
  let cols = emptyColumns();
  let frames = 0;
  let conns = new SafeMap<string, number>();
  // Frames of one connection usually follow one another: most skip the map.
  let lastConn: string | null = null;
  let lastIndex = 0;

  const reset = (): void => {
    records = ownList();
    at = ownList();
    cols = emptyColumns();
    frames = 0;
    conns = new SafeMap();
    lastConn = null;
  };

  const writer: BatchWriter = {
    get length() {
      return records.length + frames;
    },
    record(r) {
      appendOwn(records, r);
      appendOwn(at, frames);
    },
    frame(conn, time, dir, text, base64, size, event, id) {
      if (conn !== lastConn) {
        let index = conns.get(conn);
        if (index === undefined) {
          index = cols.conns.length;
          conns.set(conn, index);
          appendOwn(cols.conns, conn);
        }
        lastConn = conn;
        lastIndex = index;
      }
      appendOwn(cols.conn, lastIndex);
      appendOwn(cols.time, time);
      appendOwn(cols.dir, dir);
      appendOwn(cols.text, text);
      appendOwn(cols.base64, base64);
      appendOwn(cols.size, size);
      appendOwn(cols.event, event);
      appendOwn(cols.id, id);
      frames += 1;
    },
    take() {
      const out = { records: records as CaptureRecord[], frames: frames > 0 ? ({ ...cols, at } as unknown as FrameColumns) : null };
      reset();
      return out;
    },
    drain() {
      const held = writer.take();
      const merged = ownList<CaptureRecord>();
      each(held.records, held.frames, (r) => appendOwn(merged, r));
      return merged;
    },
  };
  return writer;
}

type OwnColumns = { [K in keyof Omit<FrameColumns, 'at'>]: OwnList<FrameColumns[K][number]> };
function emptyColumns(): OwnColumns {
  return { conns: ownList(), conn: ownList(), time: ownList(), dir: ownList(), text: ownList(), base64: ownList(), size: ownList(), event: ownList(), id: ownList() };
}

/** Visits records and frames in capture order. Page-safe: index loops only. */
function each(records: ArrayLike<CaptureRecord>, frames: FrameColumns | null, visit: (r: CaptureRecord) => void): void {
  const n = frames ? frames.conn.length : 0;
  let f = 0;
  for (let i = 0; i <= records.length; i++) {
    const until = i < records.length && frames ? frames.at[i]! : n;
    for (; f < until && frames; f++) visit(frameRecord(frames, f));
    if (i < records.length) visit(records[i]!);
  }
}

function frameRecord(c: FrameColumns, f: number): DataRecord {
  return { type: 'data', conn: c.conns[c.conn[f]!]!, time: c.time[f]!, dir: c.dir[f]!, text: c.text[f]!, base64: c.base64[f]!, size: c.size[f]!, event: c.event[f]!, id: c.id[f]! };
}

// ---------------------------------------------------------------- the relay's side

const str = (x: unknown, max: number): string | null => (typeof x !== 'string' ? null : x.length > max ? x.slice(0, max) : x);

/**
 * Rebuilds the columns a page-world hook posted, as `sanitizeRecord` rebuilds a data record:
 * strings cut to the limits, a frame without a connection, a finite time or a direction is
 * dropped. At most `maxFrames` frames; null when `x` is not columns at all. `at` holds the raw
 * places (`x.at[i]`) of the object records the relay kept, in order; they are made to fit the
 * frames kept, so each record stays where it was among them.
 */
export function sanitizeFrames(x: unknown, at: readonly unknown[], maxFrames: number, limits: FrameLimits): FrameColumns | null {
  if (typeof x !== 'object' || x === null) return null;
  const c = x as Record<string, unknown>;
  const lists: unknown[][] = [];
  for (const field of FRAME_FIELDS) {
    const list = c[field];
    if (!Array.isArray(list)) return null;
    lists.push(list);
  }
  if (!Array.isArray(c.conns)) return null;
  // Index loops, here and below: the relay gets clones (plain arrays), a caller in the same
  // realm may hand over the hook's lists, which have no methods.
  const conns: (string | null)[] = [];
  for (let i = 0; i < Math.min(c.conns.length, maxFrames); i++) conns.push(str(c.conns[i], CONN_CHARS) || null);
  const [conn, time, dir, text, base64, size, event, id] = lists as [unknown[], unknown[], unknown[], unknown[], unknown[], unknown[], unknown[], unknown[]];
  const n = Math.min(maxFrames, ...lists.map((l) => l.length));
  const out: FrameColumns = { conns: [], conn: [], time: [], dir: [], text: [], base64: [], size: [], event: [], id: [], at: [] };
  const connIndex = new Map<number, number>();
  // kept[f]: frames kept before frame f, so a record placed before frame f stays before it.
  const kept = new Array<number>(n + 1);
  for (let f = 0; f < n; f++) {
    kept[f] = out.conn.length;
    const ci = conn[f];
    const cid = typeof ci === 'number' ? conns[ci] : undefined;
    const t = time[f];
    const d = dir[f];
    if (!cid || typeof t !== 'number' || !Number.isFinite(t) || (d !== DIRECTIONS[0] && d !== DIRECTIONS[1])) continue;
    let index = connIndex.get(ci as number);
    if (index === undefined) {
      index = out.conns.length;
      connIndex.set(ci as number, index);
      out.conns.push(cid);
    }
    const s = size[f];
    out.conn.push(index);
    out.time.push(t);
    out.dir.push(d);
    out.text.push(str(text[f], limits.stringBytes));
    out.base64.push(str(base64[f], limits.stringBytes));
    out.size.push(typeof s === 'number' && Number.isFinite(s) ? s : 0);
    out.event.push(str(event[f], EVENT_CHARS));
    out.id.push(str(id[f], ID_CHARS));
  }
  kept[n] = out.conn.length;
  let last = 0;
  for (let i = 0; i < at.length; i++) {
    const a = at[i];
    const place = typeof a === 'number' && Number.isInteger(a) ? Math.min(Math.max(a, last), n) : n;
    last = place;
    out.at.push(kept[place]!);
  }
  return out;
}

/**
 * The relay's check of one hook batch: at most `recordsPerBatch` records and frames in all,
 * each rebuilt (`sanitizeRecord`, `sanitizeFrames`); frames stay null when the batch had none
 * or they were not columns.
 */
export function sanitizeBatch(rawRecords: readonly unknown[], rawFrames: unknown, limits: SanitizeLimits & { recordsPerBatch: number }): { records: CaptureRecord[]; frames: FrameColumns | null } {
  const records: CaptureRecord[] = [];
  const rawAt = typeof rawFrames === 'object' && rawFrames !== null && Array.isArray((rawFrames as { at?: unknown }).at) ? (rawFrames as { at: unknown[] }).at : [];
  const at: unknown[] = [];
  const n = Math.min(rawRecords.length, limits.recordsPerBatch);
  for (let i = 0; i < n; i++) {
    const r = sanitizeRecord(rawRecords[i], limits);
    if (!r) continue;
    records.push(r);
    at.push(rawAt[i]);
  }
  const frames = rawFrames === undefined ? null : sanitizeFrames(rawFrames, at, limits.recordsPerBatch - records.length, limits);
  return { records, frames };
}

// ---------------------------------------------------------------- the background's side

/** A batch's records and frames as one list of records, in the order the hook captured them. */
export function mergeFrames(records: CaptureRecord[], frames: FrameColumns | null | undefined): CaptureRecord[] {
  if (!frames || frames.conn.length === 0) return records;
  const out: CaptureRecord[] = [];
  each(records, frames, (r) => out.push(r));
  return out;
}

/** Whether `x` has the shape of columns (the relay made them: the background only checks the shape). */
export function isFrameColumns(x: unknown): x is FrameColumns {
  if (typeof x !== 'object' || x === null) return false;
  const c = x as Record<string, unknown>;
  if (!Array.isArray(c.conns) || !Array.isArray(c.at)) return false;
  const n = Array.isArray(c.conn) ? c.conn.length : -1;
  return FRAME_FIELDS.every((f) => Array.isArray(c[f]) && (c[f] as unknown[]).length === n);
}
