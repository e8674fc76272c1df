/**
 * Frames: a connection's traffic normalized into messages, whatever the transport. Every frame
 * remembers which TraceEvents carried its bytes (`at`) so any later finding (a text span, a
 * gap, a duplicate) can point back at the exact chunks the page received.
 */

/** `envelope`: one length-prefixed message of a Connect / gRPC-web body (see envelopes.ts). */
export type FrameKind = 'sse' | 'sse-comment' | 'json-line' | 'ws-text' | 'ws-binary' | 'text' | 'envelope';

/** What an envelope's 5-byte prefix said. */
export interface EnvelopeInfo {
  flags: number;
  /** Payload length in bytes. */
  size: number;
  /** Flag 0x01: the payload is compressed (not decoded; `data` holds it as base64). */
  compressed: boolean;
  /** Connect's end-of-stream message (0x02) or gRPC-web's trailers frame (0x80). */
  end: boolean;
  /** `data` is the payload as base64 (a binary codec, or compressed), not text. */
  binary: boolean;
}

export interface Frame {
  index: number;
  dir: 'in' | 'out';
  kind: FrameKind;
  event?: string;
  id?: string;
  retry?: number;
  data: string;
  /** Parsed when `data` is valid JSON. */
  json?: unknown;
  /** Indices (into `ConnectionCapture.events`) of the first and last event carrying this frame. */
  at: { first: number; last: number };
  /** Time of the last carrying event. */
  time: number;
  /** Set when the bytes could not be framed as the transport promised (kept, never thrown). */
  error?: string;
  /** Connect / gRPC-web envelopes: the prefix's flags and length. */
  envelope?: EnvelopeInfo;
}

/** A frame before it is numbered and timed: what the framers produce. */
export type FramePart = Omit<Frame, 'index' | 'time'>;

/** One piece of decoded body text and the index of the TraceEvent that carried it. */
export interface Chunk {
  text: string;
  at: number;
}

export function tryJson(s: string): unknown {
  const t = s.trim();
  if (t === '') return undefined;
  const c = t[0];
  // Cheap pre-check: JSON.parse on every token-sized string would be wasteful and most SSE
  // payloads that are not JSON start with a letter.
  if (c !== '{' && c !== '[' && c !== '"' && c !== '-' && !(c! >= '0' && c! <= '9') && t !== 'true' && t !== 'false' && t !== 'null') return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}
