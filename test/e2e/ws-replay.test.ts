/**
 * WebSocket and EventSource replay in real Chromium: a real session with a real server is
 * recorded (the capture's connection, as the panel's Replay button takes it), then the app runs
 * again with the recording armed. The page must end in the same state — the same text it
 * rendered from the stream, the same close code, the same exceptions its early calls got from
 * the real socket — while the server's own count shows it was never contacted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlSession, waitForCapture, type ControlSession } from '../harness/control-session';
import { startReplayServer, type ReplayServer } from './ws-replay/server';
import { socketRecordingOf, type EsRecording, type WsRecording } from '../../src/core/replay/socket-recording';

let s: ControlSession;
let server: ReplayServer;

beforeAll(async () => {
  server = await startReplayServer();
  s = await startControlSession();
});
afterAll(async () => {
  await s?.close();
  await server?.close();
});

/** A fresh app page (armed replays belong to the document they were armed in). */
const fresh = () => s.page.goto(`${server.url}/?run=${Math.random().toString(36).slice(2)}`);

/** Runs one of the app's streams to its end in a fresh page (after `arm`) and returns what the page rendered. */
async function run(which: 'ws' | 'es', arm: () => Promise<unknown> = async () => undefined): Promise<string> {
  await fresh();
  await arm();
  await s.page.evaluate(`window.__${which}()`);
  return s.page.evaluate((id) => document.getElementById(id)!.textContent!, which);
}

describe('WebSocket replay (Chromium)', () => {
  let recorded: string;
  let recording: WsRecording;

  it('records a real session', async () => {
    recorded = await run('ws');
    expect(server.ws.connections).toBe(1);
    // The real run, as the page saw it (the reference the replay must reproduce).
    expect(recorded).toContain('open: readyState 1, protocol "chat.v1"');
    expect(recorded).toContain('binary ArrayBuffer cafe00');
    expect(recorded).toContain('close: true 4001 "done" clean true, readyState 3');
    const conn = await waitForCapture(s.control, 'the ended socket', (sn) => sn.connections.find((c) => c.summary.kind === 'websocket' && c.summary.state === 'ended'));
    recording = socketRecordingOf(conn) as WsRecording;
    expect(recording.close).toMatchObject({ code: 4001, reason: 'done', wasClean: true });
  });

  it('replays it without contacting the server: the page ends in the same state', async () => {
    let started = 0;
    const replayed = await run('ws', async () => {
      await s.control.replay(recording, 1);
      started = Date.now();
    });
    expect(replayed).toBe(recorded);
    expect(server.ws.connections).toBe(1);
    // The recorded pacing (five frames 40 ms apart), not a burst.
    expect(Date.now() - started).toBeGreaterThan(150);
    // Captured like a live socket, marked as replayed, with the app's own frame.
    const conn = await waitForCapture(s.control, 'the replayed socket', (sn) => sn.connections.find((c) => c.summary.kind === 'websocket' && c.summary.detail?.startsWith('replayed') && c.summary.state === 'ended'));
    expect(conn.events.filter((e) => e.dir === 'out').map((e) => e.text)).toEqual(['start', 'late']);
    expect(conn.events.filter((e) => e.dir === 'in').map((e) => e.text ?? e.base64)).toEqual(['alpha', 'beta', Buffer.from([0xca, 0xfe, 0]).toString('base64'), 'gamma']);
    expect(conn.summary.end).toBe('server-close');
  });

  it('a drop injected into a replay ends it as a lost connection', async () => {
    const replayed = await run('ws', async () => {
      await s.control.replay(recording, 1);
      await s.control.armFault({ id: 'ws-replay-drop', kind: 'drop', trigger: { kind: 'after-events', count: 2 }, scope: { kind: 'tab' }, probability: 1, once: true });
    });
    expect(replayed).toContain('text beta');
    expect(replayed).not.toContain('gamma');
    expect(replayed).toContain('close: true 1006 "" clean false, readyState 3');
    expect(server.ws.connections).toBe(1);
  });

  it('paced by sends, each recorded reply waits for the app’s send that preceded it', async () => {
    // An app slower than the recorded one: it sends `start` 200 ms after the open. At scale 0
    // the recorded clock alone plays the replies at once; paced, they follow the send.
    const arm = async (paced: boolean) => {
      await fresh();
      await s.control.replay({ ...recording, ...(paced ? { pacedBySends: true } : {}) }, 0);
      return s.page.evaluate((url) => new Promise<string[]>((resolve) => {
        const seen: string[] = [];
        const ws = new WebSocket(url);
        ws.onopen = () => setTimeout(() => (ws.send('start'), seen.push('sent start')), 200);
        ws.onmessage = (e) => seen.push(typeof e.data === 'string' ? e.data : 'binary');
        ws.onclose = (e) => (seen.push(`close ${e.code}`), resolve(seen));
      }), recording.url);
    };
    // Unpaced, the socket has closed before the app sends (the page resolves on the close).
    expect(await arm(false)).toEqual(['alpha', 'beta', 'binary', 'gamma', 'close 4001']);
    expect(await arm(true)).toEqual(['sent start', 'alpha', 'beta', 'binary', 'gamma', 'close 4001']);
    expect(server.ws.connections).toBe(1);
  });

  it('answers one socket only: the next one reaches the server again', async () => {
    expect(await run('ws')).toBe(recorded);
    expect(server.ws.connections).toBe(2);
  });
});

describe('EventSource replay (Chromium)', () => {
  let recorded: string;
  let recording: EsRecording;

  it('records a real session across a reconnect', async () => {
    recorded = await run('es');
    expect(server.sse.requests).toEqual([null, '2']);
    expect(recorded).toContain('error: readyState 0');
    expect(recorded).toContain('token "three" id "3"');
    const conn = await waitForCapture(s.control, 'the closed EventSource', (sn) => sn.connections.find((c) => c.summary.kind === 'eventsource' && c.summary.state === 'ended'));
    recording = socketRecordingOf(conn) as EsRecording;
    expect(recording.responses.map((r) => r.messages.length)).toEqual([2, 3]);
  });

  it('replays it without contacting the server: the same messages, ids, reconnect and close', async () => {
    const replayed = await run('es', () => s.control.replay(recording, 1));
    expect(replayed).toBe(recorded);
    expect(server.sse.requests).toEqual([null, '2']);
    const conn = await waitForCapture(s.control, 'the replayed EventSource', (sn) => sn.connections.find((c) => c.summary.kind === 'eventsource' && c.summary.detail?.startsWith('replayed') && c.summary.state === 'ended'));
    expect(conn.events.map((e) => e.text)).toEqual(['one', 'two\nlines', 'three', 'unnamed', 'bye']);
    expect(conn.summary.reconnects).toBe(1);
  });
});
