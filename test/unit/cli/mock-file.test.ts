import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMockFile } from '../../../src/cli/mock-file';
import { templateMock } from '../../../src/core/mock';

const dir = mkdtempSync(join(tmpdir(), 'dsi-mockfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--mock FILE', () => {
  it('a saved WebSocket mock compiles to a WebSocket recording, retargeted by --mock-url', async () => {
    const t = templateMock('socketio', 'hi there');
    if (!t.ok) throw new Error(t.error);
    const file = join(dir, 'socketio.json');
    writeFileSync(file, JSON.stringify(t.value));
    const r = await readMockFile(file, 'ws://127.0.0.1:9/socket.io/');
    if (!r.ok) throw new Error(r.error);
    expect(r.value.recording).toMatchObject({ kind: 'websocket', url: 'ws://127.0.0.1:9/socket.io/', mock: true });
  });

  it('a socket mock retargeted to a URL of the wrong scheme is refused with the reason', async () => {
    const t = templateMock('json-websocket', 'x');
    if (!t.ok) throw new Error(t.error);
    const file = join(dir, 'ws.json');
    writeFileSync(file, JSON.stringify(t.value));
    const r = await readMockFile(file, 'http://127.0.0.1:9/ws');
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/ws\.json: request\.url: not a ws\(s\) URL/) });
  });
});
