/**
 * Where the recording arm's time goes (profile before optimizing): each transport's stream of
 * n events (the capture benchmark's consumer) is consumed once in a tab of a browser without
 * the extension and once in a recording tab, while the V8 sampling profiler (CDP `Profiler`)
 * runs in the page and, when recording, in the extension's service worker, until the browser
 * is quiet again.
 *
 * The page's self time is put into stages. A sample in a function of ours counts for the file
 * it is in (the hook, in the page's world; the relay, the content script in its isolated world,
 * on the same thread). A sample in a native function (a getter, `postMessage`, a regexp) counts
 * for the nearest caller that has a script URL, so `get data` read by the hook is the hook's and
 * `postMessage` called by the relay is the relay's. What has no such caller stays as V8 names it:
 * the garbage collector, and "(program)", the engine's own work outside JS (event dispatch,
 * structured cloning, IPC). Comparing the stages with the same stream's profile without the
 * extension says what recording adds, and where.
 */
import { launch, openSubscriber, sleep, type BenchBrowser, type Tab } from './lib/browser';
import { cpuByPid, cpuDeltaByKind, threadCpuByName, waitQuiet } from './lib/proc';
import { consumer, KINDS, type Kind } from './capture-overhead';

export interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[]; }
export interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number; }

export interface Hotspot { fn: string; selfMs: number; pct: number; }

/** Page self time by who spent it (see the file comment). */
export const STAGES = ['hook', 'relay', 'app and page', '(garbage collector)', '(program)'] as const;
export type Stage = (typeof STAGES)[number];

export interface HotspotArm {
  consumeMs: number;
  wallMs: number;
  cpuByKind: Record<string, number>;
  /**
   * CPU ms per thread name (≥ 10 ms) of the page's renderer and of the extension's processes:
   * where their time goes besides JS (the profiler's own event thread, v8:ProfEvntProc, among it).
   */
  threads: { renderer: Record<string, number>; extension: Record<string, number> };
  page: { totalMs: number; stages: Record<Stage, number>; top: Hotspot[] };
  /** Recording only. */
  serviceWorker?: { totalMs: number; top: Hotspot[]; byFile: Hotspot[] };
}
export type HotspotsResult = { events: number } & Record<Kind, { none: HotspotArm; recording: HotspotArm }>;

export function topOf(p: Profile, limit = 12): { totalMs: number; top: Hotspot[]; byFile: Hotspot[] } {
  const byNode = selfByNode(p);
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  for (const n of p.nodes) {
    const ms = byNode.get(n.id) ?? 0;
    if (!ms) continue;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') continue;
    total += ms;
    const base = n.callFrame.url.split('/').slice(-2).join('/');
    const k = base ? `${name} ${base}:${n.callFrame.lineNumber + 1}` : name;
    fn.set(k, (fn.get(k) ?? 0) + ms);
    const f = base || name;
    file.set(f, (file.get(f) ?? 0) + ms);
  }
  const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([k, v]) => ({ fn: k, selfMs: v, pct: (v / total) * 100 }));
  return { totalMs: total, top: list(fn), byFile: list(file) };
}

function selfByNode(p: Profile): Map<number, number> {
  const byNode = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) byNode.set(p.samples[i]!, (byNode.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000);
  return byNode;
}

/** The page profile's self time by stage: a native frame counts for its nearest caller with a URL. */
export function stagesOf(p: Profile): { totalMs: number; stages: Record<Stage, number> } {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const stageOf = (n: ProfileNode): Stage => {
    const name = n.callFrame.functionName;
    if (name === '(garbage collector)' || name === '(program)') return name;
    for (let at: ProfileNode | undefined = n; at; at = byId.get(parent.get(at.id) ?? -1)) {
      const url = at.callFrame.url;
      if (!url) continue;
      if (url.includes('/hook/')) return 'hook';
      if (url.includes('/content/')) return 'relay';
      return 'app and page';
    }
    return 'app and page';
  };
  const stages = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  let totalMs = 0;
  for (const [id, ms] of selfByNode(p)) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === '(idle)') continue;
    stages[stageOf(n)] += ms;
    totalMs += ms;
  }
  return { totalMs, stages };
}

/** `worker`: the CDP session of the extension's service worker, profiled beside the page; null without the extension. */
async function profileOne(browser: BenchBrowser, tab: Tab, kind: Kind, url: string, demoUrl: string, events: number, worker: string | null): Promise<HotspotArm> {
  await tab.goto(url);
  // Let the hook hear from the background (recording) before the stream starts.
  await sleep(400);
  const sessions = worker === null ? [tab.sessionId] : [tab.sessionId, worker];
  for (const s of sessions) {
    await browser.cdp.send('Profiler.enable', {}, s);
    await browser.cdp.send('Profiler.setSamplingInterval', { interval: 500 }, s);
  }
  await waitQuiet(browser.profile, { windowMs: 250, maxBusy: 0.1, timeoutMs: 10_000 });
  for (const s of sessions) await browser.cdp.send('Profiler.start', {}, s);
  const c0 = cpuByPid(browser.profile);
  const th0 = { renderer: threadCpuByName(browser.profile, 'renderer'), extension: threadCpuByName(browser.profile, 'extension') };
  const t0 = Date.now();
  const { ms } = await tab.evaluate<{ ms: number; events: number }>(consumer(kind, demoUrl, events, 100));
  await waitQuiet(browser.profile, { windowMs: 300, maxBusy: 0.1, timeoutMs: 30_000 });
  const wallMs = Date.now() - t0;
  const cpuByKind = cpuDeltaByKind(c0, cpuByPid(browser.profile));
  const threads: HotspotArm['threads'] = { renderer: {}, extension: {} };
  for (const cat of ['renderer', 'extension'] as const) {
    for (const [name, ms] of threadCpuByName(browser.profile, cat)) {
      const d = ms - (th0[cat].get(name) ?? 0);
      if (d >= 10) threads[cat][name] = d;
    }
  }
  const { profile: pageProfile } = await browser.cdp.send<{ profile: Profile }>('Profiler.stop', {}, tab.sessionId);
  const arm: HotspotArm = { consumeMs: ms, wallMs, cpuByKind, threads, page: { ...stagesOf(pageProfile), top: topOf(pageProfile).top } };
  if (worker !== null) arm.serviceWorker = topOf((await browser.cdp.send<{ profile: Profile }>('Profiler.stop', {}, worker)).profile);
  return arm;
}

export async function runHotspots(opts: { demoUrl: string; extensionDir: string; events: number; log(s: string): void }): Promise<HotspotsResult> {
  const { demoUrl, events, log } = opts;
  const plain = await launch({ extensionDir: null });
  const withExt = await launch({ extensionDir: opts.extensionDir });
  try {
    const url = `${demoUrl}/?hotspots`;
    const plainTab = await plain.newTab(url);
    const page = await withExt.newTab(url);
    const sub = await openSubscriber(withExt);
    await sub.subscribe(await sub.tabIdOf(url));
    await page.send('Page.bringToFront');
    // One session on the service worker for every run (the subscriber's port keeps it alive).
    const sw = (await withExt.cdp.targets()).find((t) => t.type === 'service_worker' && t.url.includes(withExt.extensionId!));
    if (!sw) throw new Error('hotspots: the extension has no service worker to profile');
    const worker = await withExt.cdp.attach(sw.targetId);
    const result = { events } as HotspotsResult;
    const ms = (v: number) => v.toFixed(0);
    for (const kind of KINDS) {
      // A short untimed stream first in each (JIT, connections, IndexedDB creation).
      await profileOne(plain, plainTab, kind, url, demoUrl, events / 10, null);
      await profileOne(withExt, page, kind, url, demoUrl, events / 10, worker);
      const none = await profileOne(plain, plainTab, kind, url, demoUrl, events, null);
      const recording = await profileOne(withExt, page, kind, url, demoUrl, events, worker);
      result[kind] = { none, recording };
      const cpu = (a: HotspotArm) => Object.entries(a.cpuByKind).filter(([, v]) => v >= 20).map(([k, v]) => `${k} ${ms(v)}`).join(', ');
      log(`  hotspots ${kind}: ${events} events consumed in ${ms(none.consumeMs)} ms without the extension, ${ms(recording.consumeMs)} ms recording; CPU [${cpu(none)}] → [${cpu(recording)}] ms`);
      log(`    page JS ${ms(none.page.totalMs)} → ${ms(recording.page.totalMs)} ms: ${STAGES.map((s) => `${s} ${ms(none.page.stages[s])} → ${ms(recording.page.stages[s])}`).join('; ')}`);
      const threads = (t: Record<string, number>) => Object.entries(t).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${ms(v)}`).join(', ');
      log(`    renderer threads: [${threads(none.threads.renderer)}] → [${threads(recording.threads.renderer)}] ms; extension threads (recording): [${threads(recording.threads.extension)}] ms`);
      log(`    page top (recording): ${recording.page.top.slice(0, 8).map((h) => `${h.fn} ${ms(h.selfMs)}`).join('; ')}`);
      log(`    service worker JS ${ms(recording.serviceWorker!.totalMs)} ms: ${recording.serviceWorker!.top.slice(0, 6).map((h) => `${h.fn} ${ms(h.selfMs)}`).join('; ')}`);
    }
    return result;
  } finally {
    await plain.close();
    await withExt.close();
  }
}
