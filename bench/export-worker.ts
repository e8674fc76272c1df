/**
 * One export or import of a large trace, in a fresh Node process so that its peak memory
 * (`resourceUsage().maxRSS`) belongs to that operation alone. Prints one JSON line.
 *   tsx bench/export-worker.ts export-json|export-har <events> <out-file>
 *   tsx bench/export-worker.ts import <events> <in-file>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { exportHar, exportTrace, harChunks, importTrace } from '../src/core/export';
import type { TraceInput } from '../src/core/export';
import type { ConnectionSummary, TraceEvent } from '../src/core/trace/model';

export function bigTrace(events: number): TraceInput {
  const t = Date.UTC(2026, 0, 1);
  const evs: TraceEvent[] = [];
  let bytes = 0;
  for (let seq = 0; seq < events; seq++) {
    const base = `{"i":${seq},"p":""}`;
    const text = `{"i":${seq},"p":"${'x'.repeat(Math.max(0, 100 - base.length))}"}`;
    bytes += text.length;
    evs.push({ seq, time: t + seq * 0.05, dir: 'in', text, base64: null, size: text.length, event: null, id: null });
  }
  const summary: ConnectionSummary = {
    id: 'doc-1:c-1', kind: 'websocket', url: 'ws://127.0.0.1:4777/bench/ws?n=100000&size=100', method: 'GET', startedAt: t, status: 101,
    contentType: null, streaming: true, state: 'ended', endedAt: t + events * 0.05, end: 'clean', endDetail: null, events, bytesIn: bytes, bytesOut: 0,
    reconnects: 0, requestHeaders: [], responseHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null, faults: [], endInjected: false, reconnectMarks: [], joinedLate: null,
  };
  return {
    sessions: [{
      info: { id: 'session-1', tabId: 1, browserRun: 'bench', url: 'http://127.0.0.1:4777/', startedAt: t, updatedAt: t + events, correlationIds: [] },
      snapshot: { connections: [{ summary, events: evs }], signals: [], faults: [], testRuns: [] },
    }],
    environment: { browser: 'Chromium 156', extensionVersion: '0.1.0', pageUrl: 'http://127.0.0.1:4777/' },
    exportedAt: new Date(t + 1e6),
  };
}

const [op, n, file] = process.argv.slice(2);
const events = Number(n);
if (op && file && Number.isInteger(events)) {
  const mb = (kb: number) => kb / 1024;
  let result: Record<string, unknown>;
  if (op === 'export-json' || op === 'export-har') {
    const input = bigTrace(events);
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss / 2 ** 20;
    const t0 = performance.now();
    // The pieces as the panel hands them to a Blob; joined only to be written here.
    const pieces: string[] = [];
    if (op === 'export-json') for (const c of exportTrace(input).chunks()) pieces.push(c);
    else for (const c of harChunks(exportHar(input).har)) pieces.push(c);
    const ms = performance.now() - t0;
    const peak = mb(process.resourceUsage().maxRSS);
    const text = pieces.join('');
    writeFileSync(file, text);
    result = { op, events, ms, rssBeforeMB: rssBefore, peakRssMB: peak, bytes: Buffer.byteLength(text) };
  } else {
    const text = readFileSync(file, 'utf8');
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss / 2 ** 20;
    const t0 = performance.now();
    const r = await importTrace(text);
    const ms = performance.now() - t0;
    const peak = mb(process.resourceUsage().maxRSS);
    const imported = r.ok ? r.trace.sessions.reduce((a, s) => a + s.connections.reduce((b, c) => b + c.events.length, 0), 0) : -1;
    result = { op, events, ms, rssBeforeMB: rssBefore, peakRssMB: peak, bytes: Buffer.byteLength(text), ok: r.ok, source: (r as { source?: string }).source ?? null, imported, error: r.ok ? null : JSON.stringify(r.error).slice(0, 300) };
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}
