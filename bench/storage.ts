/**
 * Storage: sustained IndexedDB write rate of captured events, in real Chromium, through the
 * product's own store (`src/background/store.ts`, bundled with esbuild and run in a page of
 * the demo origin, since the extension's service worker cannot be scripted from outside).
 * Events are written the way the background's persister writes them: one transaction per
 * flush (`store.write`) holding the session, the connection summary and a batch of events.
 * The batch size is what a 100 ms flush collects at a given capture rate (1,000 events =
 * 10,000 events/s). Browser CPU by process kind is recorded alongside (IndexedDB's backend
 * runs outside the renderer).
 */
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { launch } from './lib/browser';
import { cpuByPid, cpuDeltaByKind, waitQuiet } from './lib/proc';
import { summarize, type Summary } from './lib/stats';

export interface StorageResult {
  events: number;
  reps: number;
  byBatch: Record<string, { eventsPerSec: Summary; msPerWrite: Summary; cpuByKind: Record<string, number> }>;
}

export async function bundleStore(): Promise<string> {
  const out = await build({
    entryPoints: [resolve(import.meta.dirname, 'storage-entry.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

const WRITE = (events: number, batch: number, db: string) => `(async () => {
  const store = await window.__openCaptureStore(${JSON.stringify(db)});
  const t = Date.now();
  const session = { id: 's1', tabId: 1, browserRun: 'bench', url: location.href, startedAt: t, updatedAt: t, connections: 1, events: 0, bytes: 0, correlationIds: [], signals: [], faults: [], testRuns: [] };
  const summary = { id: 'doc:c1', kind: 'websocket', url: 'ws://127.0.0.1/bench/ws', method: 'GET', startedAt: t, status: 101, contentType: null, streaming: true, state: 'open', endedAt: null, end: null, endDetail: null, events: 0, bytesIn: 0, bytesOut: 0, reconnects: 0, requestHeaders: [], responseHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null, faults: [], endInjected: false, reconnectMarks: [], joinedLate: null };
  const pad = 'x'.repeat(100 - 16);
  const writes = [];
  const t0 = performance.now();
  for (let seq = 0; seq < ${events}; ) {
    const list = [];
    for (let k = 0; k < ${batch} && seq < ${events}; k++, seq++) {
      const text = '{"i":' + seq + ',"p":"' + pad + '"}';
      list.push({ connId: summary.id, event: { seq, time: t + seq, dir: 'in', text, base64: null, size: text.length, event: null, id: null } });
    }
    session.events = seq; summary.events = seq;
    const w0 = performance.now();
    await store.write([{ session: { ...session }, connections: [{ ...summary }], events: list }]);
    writes.push(performance.now() - w0);
  }
  const ms = performance.now() - t0;
  store.close();
  await new Promise((r) => { const q = indexedDB.deleteDatabase(${JSON.stringify(db)}); q.onsuccess = q.onerror = q.onblocked = () => r(); });
  return { ms, writes };
})()`;

export async function runStorage(opts: { demoUrl: string; events: number; reps: number; batches: number[]; log(s: string): void }): Promise<StorageResult> {
  const { events, reps, batches, log } = opts;
  const code = await bundleStore();
  const browser = await launch({ extensionDir: null });
  const byBatch: StorageResult['byBatch'] = {};
  try {
    const tab = await browser.newTab(`${opts.demoUrl}/?storage`);
    await tab.evaluate(code + ';true');
    const runs: Record<number, { rate: number[]; perWrite: number[]; cpu: Record<string, number>[] }> = {};
    for (let rep = 0; rep < reps; rep++) {
      for (const batch of batches) {
        await waitQuiet(browser.profile, { timeoutMs: 10_000 });
        const c0 = cpuByPid(browser.profile);
        const r = await tab.evaluate<{ ms: number; writes: number[] }>(WRITE(events, batch, `bench-${rep}-${batch}`));
        const cpu = cpuDeltaByKind(c0, cpuByPid(browser.profile));
        const rate = (events / r.ms) * 1000;
        const x = (runs[batch] ??= { rate: [], perWrite: [], cpu: [] });
        x.rate.push(rate);
        x.perWrite.push(summarize(r.writes).median);
        x.cpu.push(cpu);
        log(`  storage batch ${batch} rep ${rep + 1}/${reps}: ${events} events in ${r.ms.toFixed(0)} ms = ${rate.toFixed(0)} events/s; CPU ${Object.entries(cpu).filter(([, v]) => v >= 20).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')} ms`);
      }
    }
    for (const batch of batches) {
      const x = runs[batch]!;
      const kinds = [...new Set(x.cpu.flatMap((c) => Object.keys(c)))];
      byBatch[String(batch)] = {
        eventsPerSec: summarize(x.rate),
        msPerWrite: summarize(x.perWrite),
        cpuByKind: Object.fromEntries(kinds.map((k) => [k, summarize(x.cpu.map((c) => c[k] ?? 0)).median])),
      };
    }
  } finally {
    await browser.close();
  }
  return { events, reps, byBatch };
}
