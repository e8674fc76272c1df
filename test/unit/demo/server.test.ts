import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_MODES, startDemoServer, type DemoServer } from '../../../demo/server.js';
import { WsClient, json, postJson, readSse, sleep, wsUrl } from './helpers.js';

let s: DemoServer;
beforeAll(async () => {
  s = await startDemoServer({ port: 0 });
});
afterAll(() => s.close());

describe('demo server', () => {
  it('serves the index and every mode page with the shared accessible controls', async () => {
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const index = await (await fetch(s.url + '/')).text();
    for (const m of CHAT_MODES) {
      expect(index).toContain(`href="/${m}/"`);
      const res = await fetch(`${s.url}/${m}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toContain('<textarea aria-label="Prompt"');
      expect(html).toMatch(/<button id="send" type="button">Send<\/button>/);
      expect(html).toMatch(/<button id="stop" type="button" disabled>Stop<\/button>/);
      expect(html).toContain('<div id="messages" role="log"');
      expect(html).toContain('<p id="status" role="status">idle</p>');
      expect(html).toContain(`<h1>${m}`);
      const js = await fetch(`${s.url}/${m}/app.js`);
      expect(js.headers.get('content-type')).toMatch(/text\/javascript/);
    }
    for (const m of ['multi-agent-funnel', 'multi-agent-direct']) {
      const html = await (await fetch(`${s.url}/${m}/`)).text();
      for (const a of ['orchestrator', 'researcher', 'writer']) expect(html).toContain(`<section data-agent="${a}"`);
    }
    for (const f of ['ui.js', 'sse.js', 'params.js', 'resume.js', 'agents.js']) {
      expect((await fetch(`${s.url}/shared/${f}`)).status).toBe(200);
    }
    expect((await fetch(s.url + '/style.css')).status).toBe(200);
  });

  it('redirects /mode to /mode/ keeping the query; 404s unknown paths; blocks traversal', async () => {
    const r = await fetch(`${s.url}/durable-sse?c=abc&tps=5`, { redirect: 'manual' });
    expect(r.status).toBe(301);
    expect(r.headers.get('location')).toBe('/durable-sse/?c=abc&tps=5');
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
    expect((await fetch(`${s.url}/nope/`)).status).toBe(404);
    expect((await fetch(`${s.url}/trapped-sse/missing.js`)).status).toBe(404);
    expect((await fetch(`${s.url}/shared/..%2f..%2fserver.ts`)).status).toBe(404);
    expect((await fetch(`${s.url}/bench/`)).status).toBe(404);
    const post = await fetch(`${s.url}/nope`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect((await json(post)).error).toBeTruthy();
  });

  it('dropStreams() destroys live SSE responses and WebSockets abruptly and counts them', async () => {
    const sse = postJson(`${s.url}/trapped-sse/api/chat`, { tps: 20, tokens: 100 }).then((r) => readSse(r));
    const ws = new WsClient(wsUrl(s.url, '/trapped-ws/ws'));
    await ws.open();
    await sleep(50);
    expect(s.dropStreams()).toBe(2);
    expect((await sse).error).toBeTruthy();
    expect((await ws.closed).code).toBe(1006);
    expect(s.dropStreams()).toBe(0);
  });

  it('close() terminates open SSE and WebSocket connections', async () => {
    const t = await startDemoServer({ port: 0 });
    const run = await json(await postJson(`${t.url}/durable-sse/api/conversations/z/runs`, { tps: 5, tokens: 100 }));
    const sse = readSse(await fetch(`${t.url}/durable-sse/api/runs/${run.runId}/stream`));
    const ws = new WsClient(wsUrl(t.url, '/durable-ws/ws'));
    await ws.open();
    ws.send({ type: 'start', conversationId: 'z', tps: 5, tokens: 100 });
    await sleep(50);
    const start = Date.now();
    await t.close();
    expect(Date.now() - start).toBeLessThan(2000);
    await sse;
    await ws.closed;
    await expect(fetch(t.url + '/')).rejects.toThrow();
  });

  it('sends `: ping` after 5 s of silence on durable streams', { timeout: 10_000 }, async () => {
    const run = await json(await postJson(`${s.url}/durable-sse/api/conversations/p/runs`, { tps: 0.1, tokens: 2 }));
    const res = await fetch(`${s.url}/durable-sse/api/runs/${run.runId}/stream`);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let raw = '';
    const deadline = Date.now() + 7000;
    while (!raw.includes(': ping') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      raw += dec.decode(value);
    }
    expect(raw).toContain(': ping\n\n');
    await reader.cancel();
    await postJson(`${s.url}/durable-sse/api/runs/${run.runId}/cancel`, {});
  });
});

describe('demo cli', () => {
  const cli = (args: string[]) => spawn(process.execPath, ['--import', 'tsx', 'demo/cli.ts', ...args], { cwd: process.cwd() });

  it('exits 2 with a message on invalid flags', async () => {
    for (const args of [['--port', 'abc'], ['--bogus', '1'], [], ['--port', '0', '--tps', '-3']]) {
      const p = cli(args);
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      const code = await new Promise((r) => p.on('close', r));
      expect(code).toBe(2);
      expect(err).toMatch(/^demo: /);
    }
  }, 30_000);

  it('prints the base URL and mode URLs on one line, stops on SIGINT', async () => {
    const p = cli(['--port', '0', '--tps', '50', '--tokens', '5', '--seed', '2']);
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      p.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out);
      });
      p.on('close', () => reject(new Error('exited early')));
    });
    const base = /^Demo at (http:\/\/127\.0\.0\.1:\d+)\//.exec(line)![1]!;
    for (const m of CHAT_MODES) expect(line).toContain(`${base}/${m}/`);
    expect((await fetch(base + '/trapped-sse/')).status).toBe(200);
    p.kill('SIGINT');
    expect(await new Promise((r) => p.on('close', r))).toBe(0);
  }, 30_000);
});
