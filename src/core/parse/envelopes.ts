/**
 * Length-prefixed message framing of Connect streaming and gRPC-web bodies: each message is an
 * envelope of one flags byte, a 4-byte big-endian length and that many bytes of payload.
 *
 * Wire facts:
 * - Connect (https://connectrpc.com/docs/protocol, "Streaming-Response"): content types
 *   `application/connect+<codec>`; flag 0x01 = the payload is compressed with the
 *   `Connect-Content-Encoding`, 0x02 = the EndStreamResponse, always JSON
 *   (`{"error": {"code", "message", "details"}, "metadata": {...}}`), the last envelope.
 * - gRPC-web (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md): content types
 *   `application/grpc-web[+<codec>]` (proto when none) and `application/grpc-web-text[+<codec>]`,
 *   the same envelope stream base64-encoded, where a sender may pad and restart the base64 at
 *   any message boundary; flag 0x01 = compressed (`grpc-encoding`), the most significant bit
 *   0x80 = the trailers frame, HTTP/1 header lines (`grpc-status`, `grpc-message`).
 *
 * Framing does not depend on how the bytes were chunked: envelopes split across captured
 * chunks and several in one chunk give the same frames. What cannot be framed (a truncated
 * envelope at the end of a finished body, unknown flag bits, an absurd length, bad base64,
 * bytes after the end of the stream) becomes one frame with `error`, after every frame that
 * could be read, and framing stops there: a length prefix cannot be resynchronised.
 */
import type { TraceEvent } from '../trace/model';
import { tryJson, type EnvelopeInfo, type FramePart } from './types';

export interface EnvelopeWire {
  protocol: 'connect' | 'grpc-web';
  /** `json`, `proto`, or whatever codec name the content type carries. */
  codec: string;
  /** grpc-web-text: the envelopes are base64 text. */
  base64: boolean;
}

/** The envelope framing a content type promises, or null when it is not Connect streaming or gRPC-web. */
export function envelopeWire(contentType: string | null): EnvelopeWire | null {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const m = /^application\/(connect|grpc-web-text|grpc-web)(?:\+([a-z0-9._-]+))?$/.exec(base);
  if (!m) return null;
  if (m[1] === 'connect') return m[2] ? { protocol: 'connect', codec: m[2], base64: false } : null;
  return { protocol: 'grpc-web', codec: m[2] ?? 'proto', base64: m[1] === 'grpc-web-text' };
}

/**
 * Beyond this a length prefix is garbage rather than a message: it is the largest size any
 * common gRPC server accepts by default (grpc-go's 4 MiB receive limit, times 16).
 */
const MAX_ENVELOPE = 64 * 1024 * 1024;
const HEADER = 5;

/** Pending bytes and, for each piece, the index of the TraceEvent that carried it. */
class ByteQueue {
  private pieces: Array<{ bytes: Uint8Array; at: number }> = [];
  length = 0;

  push(bytes: Uint8Array, at: number): void {
    if (bytes.length === 0) return;
    this.pieces.push({ bytes, at });
    this.length += bytes.length;
  }

  peek(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of this.pieces) {
      if (o >= n) break;
      const k = Math.min(n - o, p.bytes.length);
      out.set(p.bytes.subarray(0, k), o);
      o += k;
    }
    return out;
  }

  /** Removes `n` bytes; `first`/`last` are the events that carried the first and last of them. */
  take(n: number): { bytes: Uint8Array; first: number; last: number } {
    const bytes = this.peek(n);
    const first = this.pieces[0]?.at ?? 0;
    let last = first;
    let left = n;
    while (left > 0 && this.pieces.length > 0) {
      const p = this.pieces[0]!;
      last = p.at;
      if (p.bytes.length <= left) {
        left -= p.bytes.length;
        this.pieces.shift();
      } else {
        p.bytes = p.bytes.subarray(left);
        left = 0;
      }
    }
    this.length -= n;
    return { bytes, first, last };
  }

  firstAt(): number | undefined {
    return this.pieces[0]?.at;
  }

  lastAt(): number | undefined {
    return this.pieces.at(-1)?.at;
  }
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const B64_GROUP = /^[A-Za-z0-9+/]{2}(?:[A-Za-z0-9+/]{2}|[A-Za-z0-9+/]=|==)$/;

/**
 * Decodes grpc-web-text as it arrives: whole 4-character groups, each on its own, so a group
 * padded at a message boundary (`…w==`) and the fresh base64 after it decode wherever the
 * chunks were cut. Whitespace (line breaks some proxies add) is skipped.
 */
class Base64Stream {
  private rest = '';
  error: string | null = null;

  feed(text: string): Uint8Array {
    if (this.error !== null) return new Uint8Array(0);
    const s = this.rest + text.replace(/[\s]+/g, '');
    const whole = s.length - (s.length % 4);
    this.rest = s.slice(whole);
    const parts: Uint8Array[] = [];
    let run = 0;
    // Runs of unpadded groups decode in one atob; a padded group closes its run.
    for (let i = 0; i < whole; i += 4) {
      const g = s.slice(i, i + 4);
      if (!B64_GROUP.test(g)) {
        if (i > run) parts.push(base64ToBytes(s.slice(run, i)));
        this.error = `invalid base64 ${JSON.stringify(g)} at character ${i} of this chunk`;
        this.rest = '';
        return concat(parts);
      }
      if (g.endsWith('=')) {
        parts.push(base64ToBytes(s.slice(run, i + 4)));
        run = i + 4;
      }
    }
    if (whole > run) parts.push(base64ToBytes(s.slice(run, whole)));
    return concat(parts);
  }

  /** Characters left over at the end of the body (a base64 group cut short). */
  pending(): string {
    return this.rest;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function flagsName(wire: EnvelopeWire, flags: number): string | null {
  // Bits the protocol does not define mean we are not reading envelopes any more.
  const known = wire.protocol === 'connect' ? 0x03 : 0x81;
  return (flags & ~known) !== 0 ? `unknown envelope flags 0x${flags.toString(16).padStart(2, '0')}` : null;
}

/** The envelopes of a captured Connect / gRPC-web response body, in order. `ended`: the body is complete. */
export function envelopeFrames(events: readonly TraceEvent[], wire: EnvelopeWire, ended: boolean, dir: 'in' | 'out' = 'in'): FramePart[] {
  const out: FramePart[] = [];
  const queue = new ByteQueue();
  const utf8 = new TextEncoder();
  const text = new TextDecoder();
  const b64 = wire.base64 ? new Base64Stream() : null;
  let offset = 0;
  let stopped = false;
  let endSeen = false;

  const fail = (message: string, first: number, last: number, data = ''): void => {
    out.push({ dir, kind: 'envelope', data, error: message, at: { first, last } });
    stopped = true;
  };

  const drain = (): void => {
    while (!stopped && queue.length >= HEADER) {
      const head = queue.peek(HEADER);
      const flags = head[0]!;
      const size = ((head[1]! << 24) >>> 0) + (head[2]! << 16) + (head[3]! << 8) + head[4]!;
      const at = queue.firstAt() ?? 0;
      const bad = flagsName(wire, flags) ?? (size > MAX_ENVELOPE ? `envelope length ${size} is beyond ${MAX_ENVELOPE} bytes` : null);
      if (bad !== null) return fail(`${bad} at byte ${offset}: not a ${wire.protocol === 'connect' ? 'Connect' : 'gRPC-web'} envelope; ${queue.length} bytes not framed`, at, queue.lastAt() ?? at);
      if (endSeen) return fail(`${queue.length} bytes after the end of the stream (byte ${offset})`, at, queue.lastAt() ?? at);
      if (queue.length < HEADER + size) return;
      const taken = queue.take(HEADER + size);
      offset += HEADER + size;
      out.push(envelopeFrame(wire, flags, taken.bytes.subarray(HEADER), { first: taken.first, last: taken.last }, dir, text));
      if (flags & (wire.protocol === 'connect' ? 0x02 : 0x80)) endSeen = true;
    }
  };

  for (let at = 0; at < events.length && !stopped; at++) {
    const e = events[at]!;
    if (e.dir !== dir) continue;
    let bytes: Uint8Array;
    if (b64) {
      const chunk = e.text ?? (e.base64 !== null ? text.decode(base64ToBytes(e.base64)) : '');
      bytes = b64.feed(chunk);
      queue.push(bytes, at);
      drain();
      if (b64.error !== null && !stopped) fail(`grpc-web-text: ${b64.error}; the rest of the body is not decoded`, at, at, chunk.slice(0, 200));
      continue;
    }
    // Bodies the hook recorded as bytes come as base64; text is what an older capture kept
    // (its UTF-8 re-encoding is exact for JSON payloads, not for every length byte).
    bytes = e.base64 !== null ? base64ToBytes(e.base64) : utf8.encode(e.text ?? '');
    queue.push(bytes, at);
    drain();
  }
  if (!stopped && ended) {
    const first = queue.firstAt();
    if (queue.length > 0 && first !== undefined) {
      const have = queue.length;
      const want = have >= HEADER ? (() => {
        const h = queue.peek(HEADER);
        return HEADER + ((h[1]! << 24) >>> 0) + (h[2]! << 16) + (h[3]! << 8) + h[4]!;
      })() : HEADER;
      fail(`truncated envelope at byte ${offset}: the body ended after ${have} of its ${want}${have < HEADER ? '+' : ''} bytes`, first, queue.lastAt() ?? first, bytesToBase64(queue.peek(have)));
    } else if (b64 && b64.pending() !== '') {
      const last = events.length - 1;
      fail(`grpc-web-text: the body ended inside a base64 group (${JSON.stringify(b64.pending())})`, last, last, b64.pending());
    }
  }
  return out;
}

function envelopeFrame(wire: EnvelopeWire, flags: number, payload: Uint8Array, at: { first: number; last: number }, dir: 'in' | 'out', text: TextDecoder): FramePart {
  const compressed = (flags & 0x01) !== 0;
  const end = wire.protocol === 'connect' ? (flags & 0x02) !== 0 : (flags & 0x80) !== 0;
  // Connect's end-of-stream message is JSON whatever the codec; gRPC-web trailers are text.
  const textual = !compressed && (end || wire.codec === 'json');
  const envelope: EnvelopeInfo = { flags, size: payload.length, compressed, end, binary: !textual };
  if (!textual) return { dir, kind: 'envelope', data: bytesToBase64(payload), envelope, at };
  const data = text.decode(payload);
  const f: FramePart = { dir, kind: 'envelope', data, envelope, at };
  if (end && wire.protocol === 'grpc-web') return f;
  const json = tryJson(data);
  if (json !== undefined) f.json = json;
  else if (data.trim() !== '') f.error = 'message is not valid JSON';
  return f;
}
