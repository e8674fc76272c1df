/**
 * Storage through the real pipeline: the extension's IndexedDB write capacity under an offered
 * load above what one tab can produce. `tabs` pages, each in a window of its own (a hidden tab is
 * throttled) and each watched by a quiet subscriber (an extension page, as a panel), consume
 * `eventsPerTab` WebSocket frames of the demo's /bench/ws at the same moment, through the hook,
 * relay and background into the background's IndexedDB.
 *
 *   offered/s     all frames / (last page done − first page started): what the hooks handed on
 *   stored/s      slope of the stored-event count between 10 % and 90 % of the total
 *   all stored    first page started → every event in IndexedDB; and after the last page was done
 *   CPU           the service worker's thread (/proc task "ServiceWorker t") and the browser's
 *                 processes by kind (IndexedDB's backend runs outside the extension's process)
 *
 * The count is read by the extension's own origin from IndexedDB, not from the background's
 * bookkeeping: per connection, the newest chunk's first seq + its length (events of a connection
 * are numbered 0, 1, 2… and stored in order), one record per connection per sample so sampling
 * does not read back everything stored; at the end every chunk is read and the events summed,
 * which must equal what the pages received.
 *
 * `profile`: the V8 sampling profiler runs in the service worker over the whole run (as
 * bench/hotspots.ts does) and its top self-time functions are returned.
 */
import { launch, openSubscriber, waitFor, type Subscriber, type Tab } from './lib/browser';
import { cpuByPid, cpuDeltaByKind, threadCpuMs, waitQuiet } from './lib/proc';
import { summarize, type Summary } from './lib/stats';
import { topOf, type Hotspot, type Profile } from './hotspots';

export interface PipelineRun {
  offeredPerSec: number;
  storedPerSec: number;
  /** First page started → all stored (null: not within the timeout). */
  allStoredMs: number | null;
  /** Last page done → all stored. */
  drainMs: number | null;
  /** Events in IndexedDB at the end, every chunk read. */
  stored: number;
  expected: number;
  /** [ms since the first page started, events stored] */
  timeline: [number, number][];
  swThreadMs: number;
  cpuByKind: Record<string, number>;
}

export interface StoragePipelineResult {
  /** Burst: the worker paused while the pages consume, resumed with everything offered. */
  burst: boolean;
  tabs: number;
  eventsPerTab: number;
  reps: number;
  runs: PipelineRun[];
  summary: { offeredPerSec: Summary; storedPerSec: Summary; allStoredMs: Summary; drainMs: Summary; swThreadMs: Summary; swCpuPerEventUs: Summary };
  profile?: { totalMs: number; top: Hotspot[]; byFile: Hotspot[] };
}

const OPEN_DB = `new Promise((res, rej) => { const r = indexedDB.open('durable-sessions-captures'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); })`;

/** In an extension page: window.__countStored() (cheap, per connection) and __countAll() (every chunk). */
const SAMPLER = `(async () => {
  const db = await ${OPEN_DB};
  const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
  window.__countStored = () => new Promise((res, rej) => {
    let n = 0;
    const r = db.transaction('chunks').objectStore('chunks').openCursor(null, 'prev');
    r.onerror = () => rej(r.error);
    r.onsuccess = () => {
      const c = r.result;
      if (!c) return res(n);
      n += c.value.firstSeq + c.value.events.length;
      c.continue([c.value.connKey, -1]);
    };
  });
  window.__countAll = async () => {
    let n = 0;
    for (const chunk of await req(db.transaction('chunks').objectStore('chunks').getAll())) n += chunk.events.length;
    return n;
  };
  window.__samples = [];
  window.__sampling = false;
  window.__sample = async (every) => {
    window.__sampling = true;
    while (window.__sampling) {
      const t = performance.timeOrigin + performance.now();
      window.__samples.push([t, await window.__countStored()]);
      await new Promise((r) => setTimeout(r, every));
    }
  };
  return true;
})()`;

const CONSUME = (url: string, n: number) => `new Promise((res, rej) => {
  const clock = () => performance.timeOrigin + performance.now();
  const t0 = clock();
  let got = 0;
  const ws = new WebSocket(${JSON.stringify(url)});
  ws.onmessage = () => got++;
  ws.onclose = (e) => (e.code === 1000 && got === ${n} ? res([t0, clock()]) : rej(new Error('closed ' + e.code + ' after ' + got + ' frames')));
})`;

async function oneRun(opts: { demoUrl: string; extensionDir: string; tabs: number; eventsPerTab: number; profile: boolean; burst: boolean; log(s: string): void }): Promise<{ run: PipelineRun; profile?: Profile }> {
  const { demoUrl, tabs, eventsPerTab, log } = opts;
  const browser = await launch({ extensionDir: opts.extensionDir });
  try {
    const pages: Tab[] = [];
    const subs: Subscriber[] = [];
    for (let i = 0; i < tabs; i++) {
      const url = `${demoUrl}/?storage-pipeline-${i}`;
      pages.push(await browser.newTab(url, { window: true }));
      const sub = await openSubscriber(browser, { window: true });
      await sub.subscribe(await sub.tabIdOf(url));
      subs.push(sub);
    }
    const ws = `${demoUrl.replace(/^http/, 'ws')}/bench/ws`;
    // Recording has started in every tab once a few frames reach its subscriber (and the
    // connection and first chunk are stored, so the count below starts from them).
    for (let i = 0; i < tabs; i++) {
      await pages[i]!.evaluate(CONSUME(`${ws}?n=10&size=100`, 10));
      await waitFor(() => subs[i]!.tab.evaluate<boolean>('window.__bench.records >= 10'), `tab ${i} to record`, 20_000);
    }
    const sampler = subs.at(-1)!.tab;
    await sampler.evaluate(SAMPLER);
    const base = await waitFor(async () => {
      const n = await sampler.evaluate<number>('window.__countAll()');
      return n >= tabs * 10 ? n : null;
    }, 'the warm-up frames to be stored', 20_000);
    await waitQuiet(browser.profile, { timeoutMs: 15_000 });

    // The service worker's CDP session: for the profiler, and in burst mode for the debugger.
    let sw: string | null = null;
    if (opts.profile || opts.burst) {
      const target = (await browser.cdp.targets()).find((t) => t.type === 'service_worker' && t.url.includes(browser.extensionId!))!;
      sw = await browser.cdp.attach(target.targetId);
    }
    if (opts.burst) {
      // Stops the worker at its next statement: the relays' capture messages queue up in its
      // message queue while the pages consume, and are all there when it resumes.
      await browser.cdp.send('Debugger.enable', {}, sw!);
      await browser.cdp.send('Debugger.pause', {}, sw!);
    }
    const expected = tabs * eventsPerTab;
    const consume = () => Promise.all(pages.map((p) => p.evaluate<[number, number]>(CONSUME(`${ws}?n=${eventsPerTab}&size=100`, eventsPerTab))));
    let spans: [number, number][] = [];
    if (opts.burst) {
      spans = await consume();
      const held = await sampler.evaluate<number>('window.__countStored()');
      if (held !== base) throw new Error(`the paused service worker stored ${held - base} events`);
    }
    if (opts.profile) {
      await browser.cdp.send('Profiler.enable', {}, sw!);
      await browser.cdp.send('Profiler.setSamplingInterval', { interval: 500 }, sw!);
      await browser.cdp.send('Profiler.start', {}, sw!);
    }
    const c0 = cpuByPid(browser.profile);
    const sw0 = threadCpuMs(browser.profile, 'ServiceWorker t');
    // Settles when sampling stops; a failure before that is the one reported, not this.
    const sampling = sampler.evaluate('window.__sample(100)');
    sampling.catch(() => undefined);
    const resumedAt = await sampler.evaluate<number>('performance.timeOrigin + performance.now()');
    if (opts.burst) await browser.cdp.send('Debugger.resume', {}, sw!);
    else spans = await consume();
    const offerStart = Math.min(...spans.map((s) => s[0]));
    const offerEnd = Math.max(...spans.map((s) => s[1]));
    // Burst: the clock starts when the worker resumes with every event already offered.
    const start = opts.burst ? resumedAt : offerStart;
    const end = opts.burst ? resumedAt : offerEnd;
    const samplesOf = async () => (await sampler.evaluate<[number, number][]>('window.__samples')).map(([t, n]): [number, number] => [t - start, n - base]);
    const timeline = await waitFor(async () => {
      const tl = await samplesOf();
      return (tl.at(-1)?.[1] ?? 0) >= expected ? tl : null;
    }, 'every event to be stored', 120_000, 250).catch(samplesOf);
    await sampler.evaluate('(window.__sampling = false)');
    await sampling;
    const swThreadMs = threadCpuMs(browser.profile, 'ServiceWorker t') - sw0;
    const cpuByKind = cpuDeltaByKind(c0, cpuByPid(browser.profile));
    let profile: Profile | undefined;
    if (opts.profile) profile = (await browser.cdp.send<{ profile: Profile }>('Profiler.stop', {}, sw!)).profile;
    const stored = (await sampler.evaluate<number>('window.__countAll()')) - base;
    if (stored !== expected) log(`  storage pipeline: ${stored} events in IndexedDB, ${expected} received by the pages`);

    const at = (f: number) => timeline.find(([, c]) => c >= f * expected);
    const a = at(0.1);
    const b = at(0.9);
    const done = stored >= expected ? at(1) : undefined;
    const run: PipelineRun = {
      offeredPerSec: (expected / (offerEnd - offerStart)) * 1000,
      storedPerSec: a && b && b[0] > a[0] ? ((b[1] - a[1]) / (b[0] - a[0])) * 1000 : NaN,
      allStoredMs: done ? done[0] : null,
      drainMs: done ? Math.max(0, done[0] - (end - start)) : null,
      stored,
      expected,
      timeline,
      swThreadMs,
      cpuByKind,
    };
    return { run, profile };
  } finally {
    await browser.close();
  }
}

export async function runStoragePipeline(opts: { demoUrl: string; extensionDir: string; tabs: number; eventsPerTab: number; reps: number; burst: boolean; profile?: boolean; log(s: string): void }): Promise<StoragePipelineResult> {
  const runs: PipelineRun[] = [];
  let profile: Profile | undefined;
  for (let rep = 0; rep < opts.reps; rep++) {
    const r = await oneRun({ ...opts, profile: (opts.profile ?? false) && rep === 0 });
    profile ??= r.profile;
    const x = r.run;
    runs.push(x);
    opts.log(`  storage pipeline${opts.burst ? ' (burst)' : ''} rep ${rep + 1}/${opts.reps}: ${opts.tabs} tabs × ${opts.eventsPerTab} frames offered at ${x.offeredPerSec.toFixed(0)} events/s, stored at ${x.storedPerSec.toFixed(0)} events/s (10–90 %), all ${x.stored}/${x.expected} stored ${x.allStoredMs === null ? 'not within 120 s' : `${(x.allStoredMs / 1000).toFixed(1)} s after ${opts.burst ? 'resuming' : 'start'} (${(x.drainMs! / 1000).toFixed(1)} s after ${opts.burst ? 'resuming' : 'the pages were done'})`}; service worker ${x.swThreadMs.toFixed(0)} ms CPU; ${Object.entries(x.cpuByKind).filter(([, v]) => v >= 20).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')} ms`);
  }
  const result: StoragePipelineResult = {
    burst: opts.burst,
    tabs: opts.tabs,
    eventsPerTab: opts.eventsPerTab,
    reps: opts.reps,
    runs,
    summary: {
      offeredPerSec: summarize(runs.map((r) => r.offeredPerSec)),
      storedPerSec: summarize(runs.map((r) => r.storedPerSec)),
      allStoredMs: summarize(runs.map((r) => r.allStoredMs ?? NaN)),
      drainMs: summarize(runs.map((r) => r.drainMs ?? NaN)),
      swThreadMs: summarize(runs.map((r) => r.swThreadMs)),
      swCpuPerEventUs: summarize(runs.map((r) => (r.swThreadMs * 1000) / r.expected)),
    },
  };
  if (profile) {
    result.profile = topOf(profile, 20);
    opts.log(`    service worker JS ${result.profile.totalMs.toFixed(0)} ms: ${result.profile.top.slice(0, 10).map((h) => `${h.fn} ${h.selfMs.toFixed(0)}`).join('; ')}`);
    opts.log(`    by file: ${result.profile.byFile.slice(0, 8).map((h) => `${h.fn} ${h.selfMs.toFixed(0)}`).join('; ')}`);
  }
  return result;
}
