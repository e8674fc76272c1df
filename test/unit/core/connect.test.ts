/**
 * Connect streaming and gRPC-web, from fixtures recorded with connect-node and connect-web
 * (test/fixtures/protocols/connect/record.ts). The oracle is what the real client decoded from
 * the same bytes: the text of its messages and the error it raised.
 */
import { describe, expect, it } from 'vitest';
import { framesOf } from '../../../src/core/parse';
import { recognize, rpcMethod } from '../../../src/core/protocols';
import { reassemble } from '../../../src/core/reassembly';
import type { ConnectionCapture } from '../../../src/core/trace/model';
import { bodyBytes, captureOfChunks, connectCapture, connectExchange, type ConnectExchange } from './connect-fixture';
import { SPLITS, splitName } from './fixture';

const JSON_FILES = ['connect-json.json', 'connect-json-error.json', 'grpc-web-json.json', 'grpc-web-json-error.json', 'grpc-web-text-json.json'];
const BINARY_FILES = ['connect-proto.json', 'grpc-web-proto.json', 'grpc-web-text.json'];
const ALL = [...JSON_FILES, ...BINARY_FILES];

const NAMES: Record<string, string> = {
  'connect-json.json': 'Connect (server streaming, JSON) · chat.v1.ChatService/Generate',
  'connect-json-error.json': 'Connect (server streaming, JSON) · chat.v1.ChatService/Generate',
  'connect-proto.json': 'Connect (server streaming, protobuf) · chat.v1.ChatService/Generate',
  'grpc-web-json.json': 'gRPC-web (JSON) · chat.v1.ChatService/Generate',
  'grpc-web-json-error.json': 'gRPC-web (JSON) · chat.v1.ChatService/Generate',
  'grpc-web-proto.json': 'gRPC-web (protobuf) · chat.v1.ChatService/Generate',
  'grpc-web-text.json': 'gRPC-web text (protobuf) · chat.v1.ChatService/Generate',
  'grpc-web-text-json.json': 'gRPC-web text (JSON) · chat.v1.ChatService/Generate',
};

const text = (c: ConnectionCapture) => reassemble(recognize(c)).messages.map((m) => m.text).join('');
/** connect-web names codes in PascalCase (`Code[...]`), the wire in snake_case. */
const snake = (code: string) => code.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toLowerCase();
/** The messages of the stream: everything but the end-of-stream envelope. */
const messageCount = (x: ConnectExchange) => x.clientText === '' ? 0 : (x.clientError ? 4 : 11);

describe('Connect / gRPC-web recognized from recorded streams', () => {
  it.each(ALL)('%s: named with its codec and RPC method', (file) => {
    const rec = recognize(connectCapture(file));
    expect(rec.protocol).toBe('connect');
    expect(rec.guess).toBe(false);
    expect(rec.name).toBe(NAMES[file]);
    expect(rec.events[0]).toMatchObject({ type: 'step', boundary: 'start', name: 'chat.v1.ChatService/Generate' });
  });

  it.each(JSON_FILES)('%s: the reassembled text is what the real client read, one text event per message', (file) => {
    const x = connectExchange(file);
    const c = connectCapture(file);
    expect(x.clientText).toMatch(/^Connect streams the answer /);
    expect(text(c)).toBe(x.clientText);
    const rec = recognize(c);
    const deltas = rec.events.filter((e) => e.type === 'text-delta');
    expect(deltas).toHaveLength(messageCount(x));
    // Each message is its own envelope frame, carrying its JSON.
    expect(new Set(deltas.map((e) => e.frame)).size).toBe(deltas.length);
    for (const d of deltas) {
      const f = rec.frames[d.frame]!;
      expect(f.kind).toBe('envelope');
      expect(f.json).toMatchObject({ text: (d as { text: string }).text });
    }
  });

  it.each(JSON_FILES)('%s: the end status is the one the client raised', (file) => {
    const x = connectExchange(file);
    const rec = recognize(connectCapture(file));
    const end = rec.events.at(-1)!;
    const [msg] = reassemble(rec).messages;
    if (x.clientError === null) {
      expect(end).toMatchObject({ type: 'finish', reason: 'OK' });
      expect(msg!.finished).toBe(true);
    } else {
      expect(x.clientError.code).toBe('ResourceExhausted');
      const message = `${snake(x.clientError.code)}: ${x.clientError.message}`;
      expect(end).toEqual(expect.objectContaining({ type: 'error', message }));
      expect(msg!.error).toBe(message);
      expect(msg!.finished).toBe(false);
    }
    expect(rec.events.some((e) => e.type === 'parse-error')).toBe(false);
  });

  it.each(BINARY_FILES)('%s: protobuf messages are listed by size, not decoded, and the stream ends OK', (file) => {
    const x = connectExchange(file);
    const rec = recognize(connectCapture(file));
    const steps = rec.events.filter((e) => e.type === 'step' && e.boundary === 'end');
    expect(steps).toHaveLength(11);
    for (const s of steps) {
      const f = rec.frames[s.frame]!;
      expect(f.envelope).toMatchObject({ binary: true, compressed: false, end: false });
      expect((s as { name: string }).name).toBe(`protobuf message, ${f.envelope!.size} bytes, not decoded`);
    }
    // The payload sizes add up to the body: 5 bytes of prefix per envelope.
    // (grpc-web-text: each recorded read is base64 on its own.)
    const wire = file === 'grpc-web-text.json' ? Buffer.concat(x.chunks.map((c) => Buffer.from(Buffer.from(c, 'base64').toString('latin1'), 'base64'))) : bodyBytes(x);
    expect(rec.frames.reduce((n, f) => n + 5 + f.envelope!.size, 0)).toBe(wire.length);
    expect(text(connectCapture(file))).toBe('');
    expect(rec.events.at(-1)).toMatchObject({ type: 'finish', reason: 'OK' });
  });

  it('Connect end-of-stream metadata and gRPC-web trailers are the last frame, marked as the end', () => {
    const connect = framesOf(connectCapture('connect-json.json'));
    expect(connect.at(-1)!.envelope).toMatchObject({ flags: 0x02, end: true });
    expect(connect.at(-1)!.json).toEqual({ metadata: { 'x-tokens-out': ['11'] } });
    const grpc = framesOf(connectCapture('grpc-web-json-error.json'));
    expect(grpc.at(-1)!.envelope).toMatchObject({ flags: 0x80, end: true });
    expect(grpc.at(-1)!.data).toContain('grpc-status: 8');
  });

  it('the RPC method is the last two segments of the path, under any routing prefix', () => {
    expect(rpcMethod('https://rpc.example.com/chat.v1.ChatService/Generate')).toBe('chat.v1.ChatService/Generate');
    expect(rpcMethod('https://x.example.com/api/connect/connectrpc.eliza.v1.ElizaService/Introduce?x=1')).toBe('connectrpc.eliza.v1.ElizaService/Introduce');
    expect(rpcMethod('https://x.example.com/')).toBeNull();
  });
});

describe('envelope framing does not depend on chunk boundaries', () => {
  const shape = (c: ConnectionCapture) => framesOf(c).map((f) => ({ data: f.data, json: f.json, envelope: f.envelope, error: f.error }));
  const events = (c: ConnectionCapture) => recognize(c).events.map((e) => ({ ...e, frame: 0 }));

  it.each(ALL)('%s: the same frames and events for every split of the body, and for a cut at every byte', (file) => {
    const recorded = connectCapture(file);
    const want = shape(recorded);
    const wantEvents = events(recorded);
    expect(want.length).toBeGreaterThan(4);
    for (const split of SPLITS) {
      const c = connectCapture(file, split);
      expect(shape(c), splitName(split)).toEqual(want);
      expect(events(c), splitName(split)).toEqual(wantEvents);
    }
    const x = connectExchange(file);
    const bytes = bodyBytes(x);
    for (let i = 1; i < bytes.length; i++) {
      const c = captureOfChunks(x, [bytes.subarray(0, i), bytes.subarray(i)]);
      expect(shape(c), `cut at ${i}`).toEqual(want);
    }
  });

  it('several envelopes in one read point at that read, an envelope over several reads at all of them', () => {
    const x = connectExchange('connect-json.json');
    const bytes = bodyBytes(x);
    const whole = framesOf(captureOfChunks(x, [bytes]));
    expect(whole.every((f) => f.at.first === 0 && f.at.last === 0)).toBe(true);
    const ones = framesOf(captureOfChunks(x, [...bytes].map((b) => Uint8Array.of(b))));
    let start = 0;
    for (const f of ones) {
      expect(f.at).toEqual({ first: start, last: start + 5 + f.envelope!.size - 1 });
      start += 5 + f.envelope!.size;
    }
  });

  it('grpc-web-text: one base64 string for the whole body, or padded per message, decodes the same', () => {
    const x = connectExchange('grpc-web-text-json.json');
    const perChunk = framesOf(connectCapture('grpc-web-text-json.json'));
    // The recorded chunks are padded on their own (`…=` mid-body).
    expect(Buffer.from(bodyBytes(x)).toString('latin1')).toMatch(/=[A-Za-z0-9+/]/);
    const raw = Buffer.concat(connectExchange('grpc-web-json.json').chunks.map((c) => Buffer.from(c, 'base64')));
    const oneString = Buffer.from(raw.toString('base64'));
    const oneCharReads = [...oneString].map((b) => Uint8Array.of(b));
    expect(framesOf(captureOfChunks(x, oneCharReads)).map((f) => f.json)).toEqual(perChunk.map((f) => f.json));
    expect(text(captureOfChunks(x, [oneString]))).toBe(x.clientText);
  });
});

describe('malformed Connect / gRPC-web bodies', () => {
  const x = connectExchange('connect-json.json');
  const bytes = bodyBytes(x);
  const whole = framesOf(connectCapture('connect-json.json'));
  /** Where the fourth envelope starts. */
  const fourth = whole.slice(0, 3).reduce((n, f) => n + 5 + f.envelope!.size, 0);
  const parseErrors = (c: ConnectionCapture) => recognize(c).events.filter((e) => e.type === 'parse-error').map((e) => (e as { message: string }).message);

  it('a body cut inside an envelope: the messages before it, then a truncation error, never a throw', () => {
    for (const cut of [fourth + 2, fourth + 5, fourth + 9]) {
      const c = captureOfChunks(x, [bytes.subarray(0, cut)]);
      const frames = framesOf(c);
      expect(frames.slice(0, 3).map((f) => f.json)).toEqual(whole.slice(0, 3).map((f) => f.json));
      expect(frames).toHaveLength(4);
      expect(frames[3]!.error).toMatch(new RegExp(`^truncated envelope at byte ${fourth}: the body ended after ${cut - fourth} of its`));
      expect(parseErrors(c)).toEqual([frames[3]!.error]);
      expect(text(c)).toBe('Connect streams the ');
    }
  });

  it('a stream still open waits for the rest of an envelope: no error yet', () => {
    const c = captureOfChunks(x, [bytes.subarray(0, fourth + 9)], { ended: false });
    expect(framesOf(c).map((f) => f.error)).toEqual([undefined, undefined, undefined]);
    expect(recognize(c).events.some((e) => e.type === 'error' || e.type === 'parse-error')).toBe(false);
  });

  it('unknown flags or an absurd length stop the framing with an error after the good messages', () => {
    for (const [patch, error] of [
      [[0x40, 0, 0, 0, 3], /^unknown envelope flags 0x40 at byte \d+: not a Connect envelope/],
      [[0x00, 0xff, 0xff, 0xff, 0xff], /^envelope length 4294967295 is beyond 67108864 bytes/],
    ] as const) {
      const bad = Buffer.concat([bytes.subarray(0, fourth), Buffer.from(patch), bytes.subarray(fourth + 5)]);
      const c = captureOfChunks(x, [bad]);
      const frames = framesOf(c);
      expect(frames).toHaveLength(4);
      expect(frames[3]!.error).toMatch(error);
      expect(parseErrors(c)).toHaveLength(1);
      expect(text(c)).toBe('Connect streams the ');
    }
  });

  it('bytes after the end of the stream are an error; a clean end with no end-of-stream message is an error', () => {
    const after = captureOfChunks(x, [bytes, Uint8Array.of(0, 0, 0, 0, 2, 0x7b, 0x7d)]);
    expect(parseErrors(after)).toEqual([expect.stringMatching(/^7 bytes after the end of the stream/)]);
    expect(text(after)).toBe(x.clientText);
    const lastStart = bytes.length - 5 - whole.at(-1)!.envelope!.size;
    const noEnd = captureOfChunks(x, [bytes.subarray(0, lastStart)]);
    expect(recognize(noEnd).events.at(-1)).toMatchObject({ type: 'error', message: 'the stream ended without its end-of-stream message' });
    // A stream the page aborted has no status to miss: the abort is what ended it.
    const aborted = captureOfChunks(x, [bytes.subarray(0, lastStart)], { end: 'client-abort' });
    expect(recognize(aborted).events.some((e) => e.type === 'error')).toBe(false);
  });

  it('bad base64 in grpc-web-text: the messages decoded before it, then an error', () => {
    const t = connectExchange('grpc-web-text-json.json');
    const chunks = t.chunks.map((c) => Buffer.from(c, 'base64'));
    const broken = [...chunks.slice(0, 3), Buffer.from('AAAA!!!!'), ...chunks.slice(3)];
    const c = captureOfChunks(t, broken);
    const frames = framesOf(c);
    expect(frames.slice(0, 3).map((f) => f.error)).toEqual([undefined, undefined, undefined]);
    expect(frames.at(-1)!.error).toMatch(/^grpc-web-text: invalid base64 "!!!!"/);
    expect(text(c)).toBe('Connect streams the ');
    const cutShort = captureOfChunks(t, [...chunks, Buffer.from('AAA')]);
    expect(framesOf(cutShort).at(-1)!.error).toBe('grpc-web-text: the body ended inside a base64 group ("AAA")');
  });

  it('a compressed message is named with its encoding, not decoded', () => {
    const gz = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3);
    const body = Buffer.concat([Buffer.from([0x01, 0, 0, 0, gz.length]), gz, bytes.subarray(bytes.length - 5 - whole.at(-1)!.envelope!.size)]);
    const c = captureOfChunks({ ...x, responseHeaders: [...x.responseHeaders, ['connect-content-encoding', 'gzip']] }, [body]);
    const rec = recognize(c);
    expect(rec.frames[0]!.envelope).toMatchObject({ compressed: true, binary: true, size: 10 });
    expect(rec.events.map((e) => e.type)).toEqual(['step', 'step', 'finish']);
    expect(rec.events[1]).toMatchObject({ name: 'compressed message, 10 bytes (gzip), not decoded' });
  });

  it('gRPC-web Trailers-Only: a call that failed before any message has its status in the headers', () => {
    const g = connectExchange('grpc-web-json.json');
    const c = captureOfChunks({ ...g, responseHeaders: [...g.responseHeaders, ['grpc-status', '5'], ['grpc-message', 'no%20such%20chat']] }, []);
    const rec = recognize(c);
    expect(rec.protocol).toBe('connect');
    expect(rec.events.map((e) => e.type)).toEqual(['step', 'error']);
    expect(rec.events[1]).toMatchObject({ message: 'not_found: no such chat' });
  });

  it('a JSON message that is not JSON is a parse error, and the stream goes on', () => {
    const garbage = Buffer.from('{"text": oops');
    const body = Buffer.concat([Buffer.from([0, 0, 0, 0, garbage.length]), garbage, bytes]);
    const c = captureOfChunks(x, [body]);
    expect(parseErrors(c)).toEqual(['message is not valid JSON']);
    expect(text(c)).toBe(x.clientText);
  });
});
