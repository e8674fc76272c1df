/**
 * One captured connection as the wrappers share it: its id, its fault handle, and its end
 * record. A connection can end by many paths (the app cancels or closes, the network fails, a
 * fault drops or truncates it, the server closes, a body read finishes) and some of them race;
 * `end` writes the record once, for whichever comes first, and tells the fault engine the
 * stream is gone, so no path has to know about the others.
 */
import type { EndCause, OpenRecord } from '../core/trace/records';
import type { Emitter } from './emit';
import type { StreamHandle } from './faults';

export interface Connection {
  readonly conn: string;
  /** The fault engine's handle for this stream, once it is registered. */
  handle: StreamHandle | null;
  /** Whether the end record was written. */
  readonly ended: boolean;
  end(cause: EndCause, error: string | null, code?: number | null, reason?: string | null): void;
}

/** Takes a new connection id and writes the open record. */
export function openConnection(emitter: Emitter, open: Omit<OpenRecord, 'type' | 'conn' | 'time'>): Connection {
  const conn = emitter.newConnId();
  emitter.emit(conn, { type: 'open', ...open });
  let ended = false;
  const c: Connection = {
    conn,
    handle: null,
    get ended() {
      return ended;
    },
    end(cause, error, code = null, reason = null) {
      if (ended) return;
      ended = true;
      c.handle?.closed();
      emitter.emit(conn, { type: 'end', cause, error, code, reason });
    },
  };
  return c;
}

/** An error as the end record shows it: "name: message", as the app would print it. */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'name' in err && 'message' in err) return `${String(err.name)}: ${String(err.message)}`;
  return String(err);
}
