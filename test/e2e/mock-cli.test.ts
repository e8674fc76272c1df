/**
 * `durable-sessions check --mock FILE`: the real command in a child process, the demo's
 * trapped-sse app behind a counting proxy, its chat request answered from an SSE mock file.
 * The backend never sees that request, and the verdict and trace are about the mock's answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDemoServer, type DemoServer } from '../../demo/server';
import { importTrace } from '../../src/core/export';
import { templateMock } from '../../src/core/mock';

const BIN = resolve(import.meta.dirname, '../../bin/durable-sessions.mjs');
const dir = mkdtempSync(join(tmpdir(), 'dsi-mock-cli-'));
let demo: DemoServer;
let proxy: http.Server;
let origin = '';
/** Requests the proxy forwarded to the demo, as "METHOD path". */
const seen: string[] = [];

beforeAll(async () => {
  demo = await startDemoServer({ port: 0, tokensPerSecond: 30, tokens: 60 });
  const target = new URL(demo.url);
  proxy = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const out = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', (e) => res.destroy(e));
    req.pipe(out);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy?.close();
  await demo?.close();
});

function check(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [BIN, 'check', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolveRun({ code: code ?? -1, stdout, stderr }));
  });
}

describe('durable-sessions check --mock', () => {
  it('answers the app from the mock file, with no backend for that request, and gives the verdict', async () => {
    const answer = 'Mocked: this answer came from a file, not from the backend at all, word by word.';
    const mock = templateMock('openai-chat', answer, { paceMs: 40 });
    if (!mock.ok) throw new Error(mock.error);
    const sse = join(dir, 'answer.sse');
    writeFileSync(sse, mock.value.steps.map((s) => (s.kind === 'event' ? s.data : '')).join(''));
    const json = join(dir, 'report.json');
    const trace = join(dir, 'trace.json');
    const r = await check([`${origin}/trapped-sse/`, '--prompt', 'hello', '--timeout', '4', '--only', 'reconnect-resume', '--mock', sse, '--mock-url', `POST ${origin}/trapped-sse/api/chat`, '--json', json, '--trace', trace]);
    // The trapped app does not resume the dropped (mocked) stream: a failing verdict, exit 1.
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { tests: Array<{ id: string; verdict: string }> };
    expect(report.tests.map((t) => [t.id, t.verdict])).toEqual([['reconnect-resume', 'fail']]);
    expect(seen.filter((x) => x.startsWith('POST /trapped-sse/api/chat'))).toEqual([]);
    expect(seen).toContain('GET /trapped-sse/');

    const imported = await importTrace([readFileSync(trace, 'utf8')]);
    if (!imported.ok) throw new Error(imported.error.message);
    const chats = imported.trace.sessions.flatMap((s) => s.connections).filter((c) => c.summary.url === `${origin}/trapped-sse/api/chat`);
    expect(chats).toHaveLength(1);
    const served = chats[0]!.events.map((e) => e.text ?? '').join('');
    // What the app received is the mock's, up to the test's injected drop.
    expect(served.length).toBeGreaterThan(0);
    expect(mock.value.steps.map((s) => (s.kind === 'event' ? s.data : '')).join('').startsWith(served)).toBe(true);
    expect(chats[0]!.summary.end).toBe('network-error');
  });

  it('a bad mock file is a setup error that says what is wrong', async () => {
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"ok":1}\n{not json\n');
    const r = await check([`${origin}/trapped-sse/`, '--mock', bad, '--mock-url', `${origin}/x`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^durable-sessions: --mock .*bad\.ndjson: line 2 is not JSON/);
    const noUrl = join(dir, 'no-url.sse');
    writeFileSync(noUrl, 'data: x\n\n');
    const r2 = await check([`${origin}/trapped-sse/`, '--mock', noUrl]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('the mock needs the request it answers');
    const r3 = await check([`${origin}/trapped-sse/`, '--mock-url', `${origin}/x`]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('--mock-url needs --mock FILE');
  });
});
