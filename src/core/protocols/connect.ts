/**
 * Connect streaming and gRPC-web responses: the body's envelopes (framed by
 * ../parse/envelopes.ts) as messages of the RPC named by the URL path,
 * `/<package>.<Service>/<Method>` (Connect protocol, https://connectrpc.com/docs/protocol:
 * "Path → "/" [ Routing-Prefix "/" ] Procedure-Name"; gRPC-web, PROTOCOL-WEB.md, keeps gRPC's).
 *
 * - JSON messages are read with the generic text fields (`text`, `delta`, `content`…), plus
 *   `sentence`, which the Connect examples' Eliza service streams.
 * - Binary (protobuf) and compressed messages are not decoded: no schema, and decompression is
 *   asynchronous in browsers. Each says its size.
 * - The end of the stream: Connect's EndStreamResponse (`{"error": {"code", "message"}}`, no
 *   error = OK), gRPC-web's trailers frame (`grpc-status`, percent-encoded `grpc-message`), or,
 *   for a gRPC-web call that failed before any message, the same fields in the response
 *   headers ("Trailers-Only"). A non-OK status is an error event; `canceled` is a cancellation.
 *
 * Neither protocol has a resume handle or a cancel message: the stream is the response to the
 * POST that started it, and a client stops it only by aborting that request (connect-web's
 * `signal`), which the server sees as a disconnect. So no handle is reported, and the passive
 * flags call it request-bound and its stop a bare abort, as for OpenAI Chat Completions.
 */
import { envelopeWire, type EnvelopeWire } from '../parse/envelopes';
import type { ConnectionCapture } from '../trace/model';
import { deltaText, payloadEvents } from './generic-fields';
import type { AiEvent, Frame, Recognizer } from './types';
import { Emitter, get, header, isObj, str, urlPath } from './util';

/** gRPC status codes by number, named as Connect names them (connectrpc.com/docs/protocol#error-codes). */
const GRPC_CODES = [
  'ok', 'canceled', 'unknown', 'invalid_argument', 'deadline_exceeded', 'not_found', 'already_exists', 'permission_denied',
  'resource_exhausted', 'failed_precondition', 'aborted', 'out_of_range', 'unimplemented', 'internal', 'unavailable', 'data_loss', 'unauthenticated',
];

/** `package.Service/Method` from a Connect / gRPC-web URL, or null when the path has no such tail. */
export function rpcMethod(url: string): string | null {
  let path: string;
  try {
    path = new URL(url, 'http://x').pathname;
  } catch {
    path = url;
  }
  const m = /\/([A-Za-z_][\w.]*)\/([A-Za-z_]\w*)\/?$/.exec(path);
  return m ? `${m[1]}/${m[2]}` : null;
}

function wireOf(conn: ConnectionCapture): EnvelopeWire | null {
  return conn.summary.kind === 'fetch' || conn.summary.kind === 'xhr' ? envelopeWire(conn.summary.contentType) : null;
}

const codecName = (codec: string) => (codec === 'json' ? 'JSON' : codec === 'proto' ? 'protobuf' : codec);

function label(conn: ConnectionCapture): string {
  const wire = wireOf(conn);
  if (!wire) return 'Connect / gRPC-web';
  const codec = codecName(wire.codec);
  const name = wire.protocol === 'connect' ? `Connect (server streaming, ${codec})` : `gRPC-web${wire.base64 ? ' text' : ''} (${codec})`;
  const method = rpcMethod(conn.summary.url);
  return method ? `${name} · ${method}` : name;
}

function detect(conn: ConnectionCapture) {
  // The content type is the protocol's own declaration: nothing else on the wire says more.
  return wireOf(conn) ? { confidence: 0.95, guess: false } : null;
}

/** An end-of-stream status as events: OK finishes, `canceled` cancels, anything else is an error. */
function status(em: Emitter, code: string, message: string | undefined): void {
  if (code === 'ok') em.emit({ type: 'finish', reason: 'OK' });
  else if (code === 'canceled') em.emit({ type: 'cancel', reason: message ? `canceled: ${message}` : 'canceled' });
  else em.emit({ type: 'error', message: message ? `${code}: ${message}` : code });
}

function grpcStatus(em: Emitter, fields: Map<string, string>, f: Frame | null): void {
  const raw = fields.get('grpc-status');
  const n = raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(n)) {
    if (f) em.parseError(f, raw === undefined ? 'trailers without grpc-status' : `grpc-status ${JSON.stringify(raw)} is not a number`);
    return;
  }
  let message = fields.get('grpc-message');
  if (message !== undefined) {
    // PROTOCOL-HTTP2.md: grpc-message is percent-encoded UTF-8.
    try {
      message = decodeURIComponent(message);
    } catch {
      // Kept as sent: a sender that did not encode it still meant the text.
    }
  }
  status(em, GRPC_CODES[n] ?? `code ${n}`, message || undefined);
}

/** gRPC-web trailers: HTTP/1 header lines, names case-insensitive. */
function trailerFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

function message(em: Emitter, f: Frame, encoding: string | undefined): void {
  const e = f.envelope!;
  if (e.compressed) return em.step(`compressed message, ${e.size} bytes${encoding ? ` (${encoding})` : ''}, not decoded`);
  if (e.binary) return em.step(`protobuf message, ${e.size} bytes, not decoded`);
  const before = em.events.length;
  const x = f.json;
  const sentence = isObj(x) && deltaText(x) === undefined ? str(get(x, 'sentence')) : undefined;
  if (sentence !== undefined) {
    if (sentence !== '') em.emit({ type: 'text-delta', text: sentence });
  } else payloadEvents(em, x);
  if (em.events.length === before) em.step('message');
}

function parse(conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const em = new Emitter();
  const wire = wireOf(conn);
  const encoding = header(conn, wire?.protocol === 'connect' ? 'connect-content-encoding' : 'grpc-encoding', 'response');
  let ended = false;
  const method = rpcMethod(conn.summary.url);
  const firstIn = frames.find((x) => x.dir === 'in');
  for (const f of frames) {
    if (!em.incoming(f)) continue;
    // The RPC, once, where its answer starts.
    if (f === firstIn && method) em.step(method, 'start');
    if (f.error !== undefined || !f.envelope) {
      em.parseError(f, f.error ?? 'not an envelope');
      continue;
    }
    if (!f.envelope.end) {
      message(em, f, encoding);
      continue;
    }
    ended = true;
    if (f.envelope.compressed) {
      em.parseError(f, `the ${wire?.protocol === 'connect' ? 'end-of-stream message' : 'trailers frame'} is compressed${encoding ? ` (${encoding})` : ''}: its status is not decoded`);
      continue;
    }
    if (wire?.protocol === 'grpc-web') {
      grpcStatus(em, trailerFields(f.data), f);
      continue;
    }
    const j = f.json;
    if (!isObj(j)) {
      em.parseError(f, 'the end-of-stream message is not a JSON object');
      continue;
    }
    const err = get(j, 'error');
    if (err === undefined || err === null) status(em, 'ok', undefined);
    else status(em, str(get(err, 'code')) ?? 'unknown', str(get(err, 'message')));
  }
  if (!ended && wire?.protocol === 'grpc-web' && header(conn, 'grpc-status', 'response') !== undefined) {
    // Trailers-Only: the call failed (or ended) before a message; the status is in the headers.
    if (frames.length > 0) em.begin(frames[frames.length - 1]!);
    if (method && em.events.length === 0) em.step(method, 'start');
    const fields = new Map<string, string>();
    for (const name of ['grpc-status', 'grpc-message']) {
      const v = header(conn, name, 'response');
      if (v !== undefined) fields.set(name, v);
    }
    grpcStatus(em, fields, null);
    ended = true;
  }
  if (!ended && conn.summary.state === 'ended' && conn.summary.end === 'clean' && frames.some((f) => f.dir === 'in')) {
    // Both protocols require the status at the end: without it the client raises an error too.
    em.emit({ type: 'error', message: `the stream ended without its ${wire?.protocol === 'grpc-web' ? 'trailers (grpc-status)' : 'end-of-stream message'}` });
  }
  return em.events;
}

export const connect: Recognizer = { id: 'connect', name: 'Connect / gRPC-web', label, detect, parse };
