/** What the tables show, computed from the trace model: one row object per connection / event. */
import type { Frame } from '../../src/core/parse/types';
import { transportLabel, type ConnectionSummary, type TraceEvent } from '../../src/core/trace/model';
import type { ConnectionKind, DeepOrigin, EndCause, FrameMark, JoinedLate } from '../../src/core/trace/records';
import { statusLabel } from '../format';
import type { Filterable } from './filter';
import type { Sortable } from './sort';
import { utf8Length } from '../../src/core/trace/bytes';

export interface ProtocolInfo {
  id: string | null;
  name: string;
  guess: boolean;
}

export interface ConnectionRow extends Filterable, Sortable {
  id: string;
  kind: ConnectionKind;
  end: EndCause | null;
  /** The protocol was guessed from the payload's shape, not identified. */
  protocolGuess: boolean;
  /** CSS hook for the status cell: the end cause, or the live state. */
  statusClass: string;
  bytesOut: number;
  endedAt: number | null;
  /** Opened before the panel and joined the capture late: what it missed (see lateJoinLine). */
  joinedLate: JoinedLate | null;
  /** Opened by a worker and read through the debugger (deep capture). */
  deep: DeepOrigin | null;
}

const END_LABELS: Record<EndCause, string> = {
  clean: 'clean',
  'network-error': 'network error',
  'client-abort': 'client abort',
  'server-close': 'server close',
};

export function endLabel(s: Pick<ConnectionSummary, 'state' | 'end'>): string {
  if (s.state !== 'ended' || s.end === null) return 'live';
  return END_LABELS[s.end];
}

export function connectionRow(s: ConnectionSummary, protocol: ProtocolInfo | null, now: number): ConnectionRow {
  return {
    id: s.id,
    url: s.url,
    method: s.method,
    kind: s.kind,
    kindLabel: transportLabel(s),
    protocol: protocol?.id ?? null,
    protocolName: protocol?.id ? protocol.name : '',
    protocolGuess: protocol?.guess ?? false,
    status: s.status,
    statusLabel: statusLabel(s),
    statusClass: `status-${s.end ?? s.state}`,
    state: s.state,
    end: s.end,
    // An injected drop or truncation ended it: say so, so it is not mistaken for the app's doing.
    endLabel: s.endInjected && s.state === 'ended' ? `${endLabel(s)} (injected)` : endLabel(s),
    events: s.events,
    bytes: s.bytesIn,
    bytesOut: s.bytesOut,
    duration: s.endedAt !== null ? s.endedAt - s.startedAt : Math.max(0, now - s.startedAt),
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    joinedLate: s.joinedLate,
    deep: s.deep ?? null,
  };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Whether a connection that joined late lost anything before it joined. */
export const lateJoinIncomplete = (j: JoinedLate): boolean => j.missedFrames > 0 || j.uncounted === true;

/** The detail's line about a connection that joined late, or null for one captured from its open. */
export function lateJoinLine(j: JoinedLate | null): string | null {
  if (!j) return null;
  const missed = `${plural(j.missedFrames, 'frame')} / ${plural(j.missedBytes, 'byte')}`;
  if (j.uncounted) {
    const kept = j.missedFrames === 0 ? 'kept from its first byte' : `missing its first ${missed}`;
    return `Joined late — ${kept} until the inspector stopped listening to it while no panel was open; the frames from then until the panel opened were not captured, and how many is not known.`;
  }
  if (j.missedFrames === 0) return 'Joined late — opened before the panel, complete from its first byte.';
  return `Joined late — ${missed} before the panel opened were not captured.`;
}

/** A row of the event table: a raw event (chunk/frame) or a parsed message. */
export interface EventRow {
  index: number;
  time: number;
  dir: 'in' | 'out';
  type: string;
  id: string;
  size: number;
  text: string | null;
  base64: string | null;
  json?: unknown;
  /** The TraceEvents (indices) that carried this row. */
  first: number;
  last: number;
  error?: string;
  /** In a stream joined from many requests: set on each request's first row, naming it. */
  request?: { n: number; of: number; url: string };
  /** How the WebSocket control touched the frame (injected, sent, blocked…), when it did. */
  mark?: FrameMark;
}

export function chunkRows(events: readonly TraceEvent[]): EventRow[] {
  return chunkRowsFrom(events, 0);
}

/**
 * The rows of a grown connection: `prev` (its rows when it had fewer events) with rows for the
 * events since. A live stream gets rows for its new events only, not all of them per frame.
 * The budget drops payloads oldest first (trace/budget.ts): when the first row with a payload
 * has lost its event's, every row is built again.
 */
export function extendChunkRows(prev: readonly EventRow[], events: readonly TraceEvent[]): EventRow[] {
  const held = prev.findIndex((r) => r.text !== null || r.base64 !== null);
  const stale = prev.length > events.length || (held >= 0 && events[held]!.text === null && events[held]!.base64 === null);
  return stale ? chunkRows(events) : prev.concat(chunkRowsFrom(events, prev.length));
}

function chunkRowsFrom(events: readonly TraceEvent[], from: number): EventRow[] {
  return events.slice(from).map((e, k) => ({
    index: from + k,
    time: e.time,
    dir: e.dir,
    type: e.event ?? (e.text !== null ? 'text' : 'binary'),
    id: e.id ?? '',
    size: e.size,
    text: e.text,
    base64: e.base64,
    first: from + k,
    last: from + k,
    ...(e.mark ? { mark: e.mark } : {}),
  }));
}


const FRAME_TYPES: Record<Frame['kind'], string> = {
  sse: 'message',
  'sse-comment': 'comment',
  'json-line': 'json',
  'ws-text': 'text',
  'ws-binary': 'binary',
  text: 'text',
  envelope: 'message',
};

/** A Connect / gRPC-web envelope's row type: what its flags made it. */
function envelopeType(f: Frame): string | undefined {
  const e = f.envelope;
  if (!e) return undefined;
  const kind = e.end ? (e.binary || f.json !== undefined ? 'end-stream' : 'trailers') : 'message';
  return e.compressed ? `${kind} (compressed)` : kind;
}

/** `events` (the frames' own) give each row the control mark of the event it starts at. */
export function messageRows(frames: readonly Frame[], events: readonly TraceEvent[] = []): EventRow[] {
  return frames.map((f) => {
    const binary = f.kind === 'ws-binary' || f.envelope?.binary === true;
    const row: EventRow = {
      index: f.index,
      time: f.time,
      dir: f.dir,
      type: f.event ?? envelopeType(f) ?? FRAME_TYPES[f.kind],
      id: f.id ?? '',
      size: f.envelope ? f.envelope.size : binary ? Math.floor((f.data.length * 3) / 4) : utf8Length(f.data),
      text: binary ? null : f.data,
      base64: binary ? f.data : null,
      first: f.at.first,
      last: f.at.last,
    };
    if (f.json !== undefined) row.json = f.json;
    if (f.error !== undefined) row.error = f.error;
    const mark = events[f.at.first]?.mark;
    if (mark) row.mark = mark;
    return row;
  });
}

/** One line for the Data column: newlines shown as ⏎, cut to what a row can show. */
export function previewText(r: Pick<EventRow, 'text' | 'base64' | 'size'>, max = 400): string {
  if (r.text === null) return r.base64 !== null ? `(binary, ${r.size} bytes)` : '';
  const t = r.text.length > max ? `${r.text.slice(0, max)}…` : r.text;
  return t.replace(/\r?\n/g, '⏎');
}

/** Row index of the message containing chunk `event`, for switching chunks → messages. */
export function rowContaining(rows: readonly EventRow[], event: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  let best = -1;
  // Rows are in event order; out-frames interleave but never overlap in-frames' spans.
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid]!;
    if (r.last < event) lo = mid + 1;
    else {
      best = mid;
      hi = mid - 1;
    }
  }
  return best;
}
