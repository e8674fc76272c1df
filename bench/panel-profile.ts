/**
 * Where the real DevTools panel's thread goes while a stream grows (profile before optimizing
 * the latency arm): the latency bench's setup — Chromium with DevTools open on the tab and the
 * Durable Sessions panel shown, the page reading an EventSource from the paced server — with
 * the connection selected in the panel, and the V8 sampling profiler (CDP `Profiler`) running in
 * the panel page over a window late in the stream. Reports the top self-time functions, the
 * number of frames the panel rendered in the window (the event table's `data-rows` changes) and
 * the self time per rendered batch.
 *
 *   npx tsx bench/panel-profile.ts [--rate=1000] [--seconds=40] [--from=30] [--json=out.json] [--trace[=trace.json]]
 *
 * With --trace, a browser trace over the same window adds the panel process's rendering steps
 * (style, layout, paint: count and time per batch), how many layout objects each layout touched,
 * and which script forced them; --trace=FILE also writes the trace, which DevTools' Performance
 * panel loads.
 *
 * The window reported starts when the event table first shows `--from` seconds' worth of rows
 * and ends with the last rendered batch.
 */
import { writeFileSync } from 'node:fs';
import { openPanel, poll } from '../src/cli/devtools-panel';
import { attachTab, DIST, launch, privateExtensionCopy } from './lib/browser';
import { startPacedServer } from './paced-server';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const arg = (name: string, d: number): number => {
  const v = Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3));
  return Number.isFinite(v) && v > 0 ? v : d;
};
const rate = arg('rate', 1000);
const seconds = arg('seconds', 40);
const from = Math.min(arg('from', 30), seconds - 1);
const jsonOut = process.argv.find((a) => a.startsWith('--json='))?.slice(7);
/** --trace: also record the rendering pipeline (style, layout, paint) over the window. */
const traceOut = process.argv.find((a) => a.startsWith('--trace='))?.slice(8);
const wantTrace = process.argv.includes('--trace') || traceOut !== undefined;

interface TraceEvent { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; args?: Record<string, any> }

/**
 * Starts a browser trace of the rendering pipeline once the page has seen `fromEvents` events,
 * stops it when the stream ends; resolves to the trace's events.
 */
async function traceWindow(tab: { evaluate<T>(e: string): Promise<T> }, fromEvents: number, secs: number): Promise<Promise<TraceEvent[]>> {
  await poll(() => tab.evaluate<boolean>(`window.__n >= ${fromEvents}`), 'the window to start', (secs + 60) * 1000, 100);
  const events: TraceEvent[] = [];
  browser.cdp.on<{ value: TraceEvent[] }>('Tracing.dataCollected', (p) => events.push(...p.value));
  const complete = new Promise<void>((ok) => browser.cdp.on('Tracing.tracingComplete', () => ok()));
  await browser.cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.stack', 'blink.user_timing'] },
  });
  return (async () => {
    await poll(() => tab.evaluate<boolean>('window.__done'), 'the stream to end', (secs + 60) * 1000, 200);
    await browser.cdp.send('Tracing.end');
    await complete;
    return events;
  })();
}

/** Per rendering step in the panel's process: count, time, and what layout and style touched. */
function renderingSummary(events: TraceEvent[], batches: number): string[] {
  // The panel's renderer: the process whose frame is the extension's panel page.
  const frames = events.flatMap((e) => (e.name === 'TracingStartedInBrowser' ? ((e.args?.data?.frames ?? []) as { url: string; processId: number }[]) : []));
  const panelPid = frames.find((f) => f.url.includes('/panel/index.html'))?.processId;
  const mine = events.filter((e) => e.pid === panelPid && (e.ph === 'X' || e.ph === 'B' || e.ph === 'E'));
  // Complete events carry dur; B/E pairs are matched per thread.
  const open = new Map<string, TraceEvent>();
  const done: TraceEvent[] = [];
  for (const e of mine.sort((a, b) => a.ts - b.ts)) {
    if (e.ph === 'X') done.push(e);
    else if (e.ph === 'B') open.set(`${e.tid} ${e.name}`, e);
    else {
      const b = open.get(`${e.tid} ${e.name}`);
      if (b) done.push({ ...b, dur: e.ts - b.ts, args: { ...b.args, ...e.args } });
      open.delete(`${e.tid} ${e.name}`);
    }
  }
  const steps = ['RunTask', 'FunctionCall', 'FireAnimationFrame', 'TimerFire', 'EventDispatch', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit', 'HitTest', 'ParseHTML', 'MinorGC', 'MajorGC'];
  const out = [`  rendering in the panel's process (pid ${panelPid ?? 'not found'}), per rendered batch (${batches}):`];
  for (const name of steps) {
    const list = done.filter((e) => e.name === name);
    if (!list.length) continue;
    const total = list.reduce((a, e) => a + (e.dur ?? 0), 0) / 1000;
    const max = Math.max(...list.map((e) => e.dur ?? 0)) / 1000;
    out.push(`  ${name.padEnd(20)} ${String(list.length).padStart(6)}×  ${total.toFixed(0).padStart(6)} ms  ${(total / Math.max(1, batches)).toFixed(2).padStart(6)} ms/batch  max ${max.toFixed(1)} ms`);
  }
  const layouts = done.filter((e) => e.name === 'Layout');
  if (layouts.length) {
    const stat = (f: (e: TraceEvent) => number) => {
      const v = layouts.map(f).filter(Number.isFinite).sort((a, b) => a - b);
      return v.length ? `median ${v[v.length >> 1]} max ${v.at(-1)}` : 'n/a';
    };
    out.push(`  layout objects: dirty ${stat((e) => Number(e.args?.beginData?.dirtyObjects))}, total ${stat((e) => Number(e.args?.beginData?.totalObjects))}`);
    // Who forced each layout: the top JS frame of the forcing stack, by time.
    const byStack = new Map<string, number>();
    for (const e of layouts) {
      const top = (e.args?.beginData?.stackTrace as { functionName: string; url: string; lineNumber: number }[] | undefined)?.[0];
      const k = top ? `${top.functionName || '(anonymous)'} ${top.url.split('/').at(-1)}:${top.lineNumber + 1}` : '(not forced by script: the frame\'s own layout)';
      byStack.set(k, (byStack.get(k) ?? 0) + (e.dur ?? 0) / 1000);
    }
    for (const [k, ms] of [...byStack].sort((a, b) => b[1] - a[1]).slice(0, 6)) out.push(`    ${ms.toFixed(0).padStart(6)} ms  ${k}`);
  }
  const styles = done.filter((e) => e.name === 'UpdateLayoutTree');
  if (styles.length) {
    const v = styles.map((e) => Number(e.args?.elementCount ?? e.args?.beginData?.elementCount)).filter(Number.isFinite).sort((a, b) => a - b);
    if (v.length) out.push(`  style recalc elements: median ${v[v.length >> 1]} max ${v.at(-1)}`);
  }
  return out;
}

const keyOf = (n: ProfileNode): string => {
  const name = n.callFrame.functionName || '(anonymous)';
  const file = n.callFrame.url.split('/').at(-1) ?? '';
  return file ? `${name} ${file}:${n.callFrame.lineNumber + 1}` : name;
};

/** Time under each function (itself and what it called), each function counted once per stack. */
function inclusiveTimes(p: Profile): [string, number][] {
  const byNode = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) byNode.set(p.samples[i]!, (byNode.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000);
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = new Map<string, number>();
  for (const [id, ms] of byNode) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = nodes.get(at)!;
      if (!n.callFrame.url) continue;
      const k = keyOf(n);
      if (seen.has(k)) continue;
      seen.add(k);
      out.set(k, (out.get(k) ?? 0) + ms);
    }
  }
  return [...out].sort((a, b) => b[1] - a[1]);
}

function selfTimes(p: Profile): { totalMs: number; byFn: [string, number][] } {
  const byNode = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) byNode.set(p.samples[i]!, (byNode.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000);
  const byFn = new Map<string, number>();
  let total = 0;
  for (const n of p.nodes) {
    const ms = byNode.get(n.id) ?? 0;
    const name = n.callFrame.functionName || '(anonymous)';
    if (!ms || name === '(idle)' || name === '(program)') continue;
    total += ms;
    const k = keyOf(n);
    byFn.set(k, (byFn.get(k) ?? 0) + ms);
  }
  return { totalMs: total, byFn: [...byFn].sort((a, b) => b[1] - a[1]) };
}

const extensionDir = privateExtensionCopy(DIST);
const paced = await startPacedServer();
const browser = await launch({ extensionDir, devtools: true });
try {
  const pageUrl = `${paced.url}/?profile`;
  const first = (await browser.cdp.targets()).find((t) => t.type === 'page' && t.url === 'about:blank');
  const page = first ? await attachTab(browser.cdp, first.targetId) : await browser.newTab();
  await page.goto(pageUrl);
  await page.send('Page.bringToFront');
  const panel = await openPanel(browser.cdp, browser.extensionId!, pageUrl);
  const n = rate * seconds;
  await page.evaluate(`(() => {
    window.__n = 0; window.__done = false;
    const es = new EventSource('/paced/sse?rate=${rate}&n=${n}&size=100&delay=500&tag=profile');
    es.onmessage = () => { window.__n++; };
    es.addEventListener('done', () => { es.close(); window.__done = true; });
    return true;
  })()`);
  await poll(
    () => panel.evaluate<boolean>(`(() => { const tr = [...document.querySelectorAll('table[aria-label="Streaming connections"] tbody tr')].find((r) => r.querySelector('td.url')?.title.includes('profile')); if (!tr) return false; tr.click(); return true; })()`),
    'the connection in the panel',
    10_000,
    50,
  );
  // The panel's thread falls behind as the stream grows (what is measured), and so do CDP calls
  // into it: the profile and the batch counter start now, while it still answers at once, and
  // the window is cut afterwards by the panel's own clock.
  await browser.cdp.send('Profiler.enable', {}, panel.sessionId);
  await browser.cdp.send('Profiler.setSamplingInterval', { interval: 500 }, panel.sessionId);
  await browser.cdp.send('Profiler.start', {}, panel.sessionId);
  // Each change of the event table's row count is one rendered batch.
  const p0 = await panel.evaluate<number>(`(() => {
    window.__batches = [];
    const tbl = () => document.querySelector('table[aria-label="Connection events"]');
    let last = Number(tbl()?.dataset.rows ?? 0);
    window.__profObserver = new MutationObserver(() => { const c = Number(tbl()?.dataset.rows ?? 0); if (c > last) { last = c; window.__batches.push([performance.now(), c]); } });
    window.__profObserver.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-rows'] });
    return performance.now();
  })()`);
  const trace = wantTrace ? await traceWindow(page, rate * from, seconds) : null;
  await poll(() => page.evaluate<boolean>('window.__done'), 'the stream to end', (seconds + 60) * 1000, 200);
  const { profile } = await browser.cdp.send<{ profile: Profile }>('Profiler.stop', {}, panel.sessionId);
  const batchList = await panel.evaluate<[number, number][]>('window.__batches');
  // The window starts when the table first showed `from` seconds' worth of rows.
  const cut = batchList.find(([, c]) => c >= rate * from)?.[0] ?? batchList.at(-1)![0];
  const inWindow = batchList.filter(([t]) => t >= cut);
  const batches = inWindow.length;
  const rows0 = inWindow[0]?.[1] ?? 0;
  const rows1 = batchList.at(-1)?.[1] ?? 0;
  const wallMs = (batchList.at(-1)?.[0] ?? cut) - cut;
  // Keep only the samples after the cut (profile times are µs from the profile's start ≈ p0).
  let t = 0;
  const cutUs = (cut - p0) * 1000;
  const keep: Profile = { nodes: profile.nodes, samples: [], timeDeltas: [0] };
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t >= cutUs) {
      keep.samples.push(profile.samples[i]!);
      keep.timeDeltas.push(profile.timeDeltas[i + 1] ?? 0);
    }
  }
  const pageSeen = rate * from;
  const { totalMs, byFn } = selfTimes(keep);
  const lines = [
    `panel profile: ${rate} events/s, ${seconds} s stream, profiled from ${from} s of rows for ${wallMs.toFixed(0)} ms; load ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `window from ${pageSeen} events; event table rows ${rows0} → ${rows1}; ${batches} rendered batches; panel JS self time ${totalMs.toFixed(0)} ms (${(totalMs / Math.max(1, batches)).toFixed(2)} ms per batch, ${((totalMs / wallMs) * 100).toFixed(0)}% of the window)`,
    ...byFn.slice(0, 20).map(([k, v]) => `  ${v.toFixed(0).padStart(6)} ms  ${((v / totalMs) * 100).toFixed(1).padStart(5)}%  ${(v / Math.max(1, batches)).toFixed(3).padStart(7)} ms/batch  ${k}`),
  ];
  const inclusive = inclusiveTimes(keep);
  lines.push('  inclusive (itself and callees):', ...inclusive.slice(0, 25).map(([k, v]) => `  ${v.toFixed(0).padStart(6)} ms  ${(v / Math.max(1, batches)).toFixed(3).padStart(7)} ms/batch  ${k}`));
  if (trace) {
    const events = await trace;
    // The whole trace, for DevTools' Performance panel (Load profile…).
    if (traceOut) writeFileSync(traceOut, JSON.stringify({ traceEvents: events }));
    lines.push(...renderingSummary(events, batches));
  }
  process.stdout.write(lines.join('\n') + '\n');
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ rate, seconds, from, wallMs, batches, rows0, rows1, totalMs, top: byFn.slice(0, 40), inclusive: inclusive.slice(0, 60) }, null, 1));
} finally {
  await browser.close();
  await paced.close();
}
