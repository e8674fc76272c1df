/**
 * One socket's WebSocket control: which messages the app and the server still get, and what it
 * records, over Node's EventTarget with the real message-transport skeleton (the app is a
 * listener added after ours, as in a page).
 */
import { describe, expect, it } from 'vitest';
import { createMessageTransport } from '../../../src/hook/message-transport';
import { base64Bytes, createSocketControl, createWsControls } from '../../../src/hook/ws-control';
import type { RecordBody } from '../../../src/hook/emit';
import type { FrameMark } from '../../../src/core/trace/records';

type G = Window & typeof globalThis;

function setup(opts: { open?: boolean; behind?: boolean } = {}) {
  const g = { EventTarget, Event, MessageEvent, setTimeout } as unknown as G;
  const Native = class extends EventTarget {
    close(): void {}
    get readyState(): number {
      return 1;
    }
  };
  const transport = createMessageTransport<WebSocket>(g, Native as unknown as { prototype: WebSocket }, 'hook:test');
  const ws = new Native() as unknown as WebSocket;
  const delivery = transport.delivery(ws, () => 1);
  const records: RecordBody[] = [];
  const frames: Array<[string, unknown, FrameMark | null]> = [];
  const server: unknown[] = [];
  const ends: unknown[][] = [];
  let open = opts.open ?? true;
  const control = createSocketControl(
    {
      conn: 'c-1',
      delivery,
      isOpen: () => open,
      isOurs: (e) => transport.isOurs(e),
      dataOf: (e) => e.data,
      behind: () => opts.behind ?? false,
      sendNative: (data) => void server.push(data),
      bytes: (p) => base64Bytes(p.value, atob, Uint8Array),
      message: (p) => new MessageEvent('message', { data: p.binary ? base64Bytes(p.value, atob, Uint8Array).buffer : p.value, origin: 'ws://h:1' }),
      fire: (e) => transport.fire(ws, e),
      record: (dir, data, mark) => void frames.push([dir, data, mark]),
      end: (...args) => void ends.push(args),
    },
    { emit: (_conn, body) => void records.push(body) },
  );
  // Our first listener, as websocket.ts registers it; the app's after it.
  transport.on(ws, 'message', (e) => {
    if (control.incoming(e as MessageEvent) || delivery.intercept(e as MessageEvent)) return transport.hide(e);
    const mark = control.markOf(e);
    frames.push(['in', (e as MessageEvent).data, mark]);
  });
  const app: unknown[] = [];
  ws.addEventListener('message', (e) => app.push((e as MessageEvent).data));
  const native = (data: string) => ws.dispatchEvent(new MessageEvent('message', { data }));
  const appSend = (data: string) => {
    if (!control.outgoing(data)) {
      server.push(data);
      frames.push(['out', data, null]);
    }
  };
  const notes = () => records.filter((r) => r.type === 'control').map((r) => (r.type === 'control' ? [r.action, r.dir, r.error === null ? 'ok' : 'error'] : []));
  return { control, app, server, frames, records, ends, native, appSend, notes, close: () => (open = false) };
}

describe('WebSocket control of one socket', () => {
  it('does nothing to a socket nobody controls', () => {
    const t = setup();
    t.native('a');
    t.appSend('b');
    expect(t.app).toEqual(['a']);
    expect(t.server).toEqual(['b']);
    expect(t.records).toEqual([]);
  });

  it('injects text and binary into the app, marked injected', () => {
    const t = setup();
    t.control.act({ kind: 'inject', data: { binary: false, value: 'hi' } });
    t.control.act({ kind: 'inject', data: { binary: true, value: 'AP8=' } });
    expect(t.app[0]).toBe('hi');
    expect([...new Uint8Array(t.app[1] as ArrayBuffer)]).toEqual([0, 255]);
    expect(t.frames.map((f) => f[2])).toEqual(['injected', 'injected']);
    expect(t.notes()).toEqual([['inject', 'in', 'ok'], ['inject', 'in', 'ok']]);
  });

  it('sends to the server through the native send, marked sent', () => {
    const t = setup();
    t.control.act({ kind: 'send', data: { binary: true, value: 'AQI=' } });
    expect([...(t.server[0] as Uint8Array)]).toEqual([1, 2]);
    expect(t.frames[0]![2]).toBe('sent');
    expect(t.app).toEqual([]);
  });

  it('pauses incoming until resume, then delivers in order; blocking drops and records it', () => {
    const t = setup();
    t.control.act({ kind: 'block', dir: 'in', hold: true });
    t.native('a');
    t.native('b');
    expect(t.app).toEqual([]);
    t.control.act({ kind: 'resume', dir: 'in' });
    expect(t.app).toEqual(['a', 'b']);
    t.control.act({ kind: 'block', dir: 'in', hold: false });
    t.native('lost');
    // An injected message still reaches the app: the block is on what the server sends.
    t.control.act({ kind: 'inject', data: { binary: false, value: 'mine' } });
    t.control.act({ kind: 'resume', dir: 'in' });
    t.native('c');
    expect(t.app).toEqual(['a', 'b', 'mine', 'c']);
    expect(t.frames.filter((f) => f[2] === 'dropped').map((f) => f[1])).toEqual(['lost']);
  });

  it('blocks outgoing (swallowed, recorded blocked) or pauses it (sent on resume)', () => {
    const t = setup();
    t.control.act({ kind: 'block', dir: 'out', hold: false });
    t.appSend('x');
    t.control.act({ kind: 'block', dir: 'out', hold: true });
    t.appSend('y');
    t.appSend('z');
    expect(t.server).toEqual([]);
    t.control.act({ kind: 'resume', dir: 'out' });
    expect(t.server).toEqual(['y', 'z']);
    expect(t.frames).toEqual([['out', 'x', 'blocked'], ['out', 'y', null], ['out', 'z', null]]);
    const resume = t.records.find((r) => r.type === 'control' && r.action === 'resume');
    expect(resume).toMatchObject({ detail: '2 held messages released' });
  });

  it('a breakpoint holds the next match only; continue, edit and drop release it', () => {
    const t = setup();
    t.control.act({ kind: 'breakpoint', dir: 'in', pattern: 'k\\d', regex: true });
    t.native('plain');
    t.native('k1');
    t.native('k2');
    expect(t.app).toEqual(['plain', 'k2']);
    const hit = t.records.find((r) => r.type === 'control' && r.action === 'breakpoint-hit');
    expect(hit).toMatchObject({ dir: 'in', detail: 'k1', holdId: 'c-1#1' });
    t.control.act({ kind: 'continue', holdId: 'c-1#1' });
    expect(t.app).toEqual(['plain', 'k2', 'k1']);
    // Released once: a second release is refused, and says so.
    t.control.act({ kind: 'drop', holdId: 'c-1#1' });
    expect(t.notes().at(-1)).toEqual(['drop', null, 'error']);

    t.control.act({ kind: 'breakpoint', dir: 'in', pattern: 'edit me', regex: false });
    t.native('please edit me');
    t.control.act({ kind: 'edit', holdId: 'c-1#2', data: { binary: false, value: 'edited' } });
    t.control.act({ kind: 'breakpoint', dir: 'out', pattern: 'drop', regex: false });
    t.appSend('drop this');
    t.control.act({ kind: 'drop', holdId: 'c-1#3' });
    expect(t.app.at(-1)).toBe('edited');
    expect(t.server).toEqual([]);
    expect(t.frames.filter((f) => f[2] !== null)).toEqual([['in', 'edited', 'edited'], ['out', 'drop this', 'blocked']]);
  });

  it('simulates a close and an error through the socket’s end, and refuses what a closed socket cannot do', () => {
    const t = setup();
    t.control.act({ kind: 'close', code: 4001, reason: 'bye', wasClean: true });
    t.control.act({ kind: 'error' });
    expect(t.ends).toEqual([[4001, 'bye', true, false], [1006, '', false, true]]);
    t.close();
    t.control.act({ kind: 'send', data: { binary: false, value: 'x' } });
    t.control.act({ kind: 'inject', data: { binary: false, value: 'x' } });
    expect(t.server).toEqual([]);
    expect(t.app).toEqual([]);
    expect(t.notes().slice(2)).toEqual([['send', 'out', 'error'], ['inject', 'in', 'error']]);
  });

  it('refuses to hold incoming messages on a socket whose listener joined late, behind the app’s', () => {
    const t = setup({ behind: true });
    t.control.act({ kind: 'block', dir: 'in', hold: true });
    t.control.act({ kind: 'breakpoint', dir: 'in', pattern: 'x', regex: false });
    t.control.act({ kind: 'block', dir: 'out', hold: false });
    t.native('x');
    expect(t.app).toEqual(['x']);
    expect(t.notes()).toEqual([['block', 'in', 'error'], ['breakpoint', 'in', 'error'], ['block', 'out', 'ok']]);
  });

  it('the page’s registry reports an id it does not know', () => {
    const records: RecordBody[] = [];
    const controls = createWsControls({ emit: (_c, b) => void records.push(b) });
    controls.act('c-9', { kind: 'error' });
    expect(records).toEqual([expect.objectContaining({ type: 'control', action: 'error', error: expect.stringMatching(/no open WebSocket/) })]);
  });
});
