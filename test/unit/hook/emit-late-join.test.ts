/**
 * The emitter and the late join together, over a real MessageChannel: what a page did while
 * nothing recorded reaches the relay when recording begins, in order, with its own times.
 */
import { describe, expect, it } from 'vitest';
import { createEmitter, type RecordBody } from '../../../src/hook/emit';
import { HANDOVER_KEY, hookCommands, type HookToRelay } from '../../../src/protocol/page';
import type { CaptureRecord } from '../../../src/core/trace/records';

type HookCaptureBatch = HookToRelay['capture'];

/** A window with just what createEmitter captures; the port it hands over is taken, as the relay takes it. */
function fakeWindow() {
  const win = new EventTarget() as EventTarget & Record<string, unknown>;
  const batches: HookCaptureBatch[] = [];
  let relaySide: MessagePort | null = null;
  Object.assign(win, {
    EventTarget, MessageChannel, MessagePort, MessageEvent, setTimeout, performance, crypto,
    postMessage: (msg: Record<string, unknown>, _origin: string, transfer: MessagePort[]) => {
      if (msg[HANDOVER_KEY] !== true) return;
      relaySide = transfer[0]!;
      relaySide.onmessage = (e) => batches.push(e.data as HookCaptureBatch);
    },
  });
  const recording = (on: boolean) => relaySide!.postMessage(hookCommands.make('set-recording', { recording: on }));
  const close = () => relaySide?.close();
  return { win: win as unknown as Window & typeof globalThis, batches, recording, close };
}

const until = async (ok: () => boolean, what: string) => {
  for (let i = 0; i < 2000 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!ok()) throw new Error(`never: ${what}`);
};

const open: RecordBody = { type: 'open', kind: 'websocket', url: 'ws://x/', method: 'GET', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null };
const frame = (text: string): RecordBody => ({ type: 'data', dir: 'in', text, base64: null, size: text.length, event: null, id: null });
const all = (batches: HookCaptureBatch[]) => batches.flatMap((b) => b.records as CaptureRecord[]);

describe('the emitter with connections opened before recording', () => {
  it('moves what it held while pending to the late join when told nothing records, and posts it, marked, when recording begins', async () => {
    const { win, batches, recording, close } = fakeWindow();
    try {
      const emitter = createEmitter(win);
      const conn = emitter.newConnId();
      emitter.emit(conn, open, 1000);
      emitter.emit(conn, frame('while pending'), 1001);
      recording(false);
      await until(() => emitter.mode() === 'dormant', 'dormant');
      // Dormant: the hook goes on tracking and keeping.
      emitter.emit(conn, frame('while dormant'), 1002);
      expect(emitter.tracks()).toBe(true);
      expect(batches).toEqual([]);
      recording(true);
      await until(() => batches.length > 0, 'the batch when recording begins');
      const records = all(batches).filter((r) => r.conn === conn);
      expect(records.map((r) => [r.type, r.time])).toEqual([['open', 1000], ['data', 1001], ['data', 1002]]);
      expect(records[0]).toMatchObject({ joinedLate: { missedFrames: 0, missedBytes: 0 } });
    } finally {
      close();
    }
  });

  it('does not announce again a connection already posted, but delivers what it kept of it while recording was off', async () => {
    const { win, batches, recording, close } = fakeWindow();
    try {
      const emitter = createEmitter(win);
      recording(true);
      await until(() => batches.length === 1, 'the hello batch');
      const conn = emitter.newConnId();
      emitter.emit(conn, open, 2000);
      await until(() => all(batches).some((r) => r.type === 'open'), 'the open record');
      recording(false);
      await until(() => emitter.mode() === 'dormant', 'dormant');
      emitter.emit(conn, frame('while off'), 2001);
      const before = batches.length;
      recording(true);
      await until(() => batches.length > before, 'the batch when recording begins again');
      const later = batches.slice(before).flatMap((b) => b.records as CaptureRecord[]).filter((r) => r.conn === conn);
      expect(later.map((r) => r.type)).toEqual(['data']);
      expect(all(batches).filter((r) => r.type === 'open')).toHaveLength(1);
    } finally {
      close();
    }
  });
});
