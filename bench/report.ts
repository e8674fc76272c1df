/** Turns the results into rows (figure, median, spread, ratio, target, hit/miss): console and Markdown. */
import type { BenchResults } from './run';
import { round, type Summary } from './lib/stats';

export interface Row {
  section: string;
  figure: string;
  value: string;
  spread: string;
  ratio: string;
  target: string;
  verdict: '' | 'hit' | 'MISS';
}

const ms = (x: number) => `${round(x, x < 10 ? 1 : 0)} ms`;
const spreadOf = (s: Summary) => (s.n > 1 ? `±${round(s.spreadPct, 1)}% (${round(s.min, s.min < 10 ? 1 : 0)}–${round(s.max, s.max < 10 ? 1 : 0)})` : '');
const ratio = (s: Summary) => (Number.isFinite(s.median) ? `×${s.median.toFixed(2)}${s.n > 1 ? ` (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : ''}` : '');
const verdict = (ok: boolean): Row['verdict'] => (ok ? 'hit' : 'MISS');

export function rows(r: BenchResults): Row[] {
  const out: Row[] = [];
  if (r.capture) {
    const c = r.capture;
    for (const [kind, arms] of Object.entries(c.summary)) {
      const net = arms.network;
      for (const [arm, s] of Object.entries(arms)) {
        const row: Row = { section: `capture ${kind}`, figure: `${arm}: time to consume ${c.n.toLocaleString('en')} events`, value: ms(s.consumeMs.median), spread: spreadOf(s.consumeMs), ratio: arm === 'none' ? '1' : ratio(s.consumeRatio), target: '', verdict: '' };
        if (arm === 'dormant') Object.assign(row, { target: '≤ ×1.01', verdict: verdict(s.consumeRatio.median <= 1.01) });
        if (arm === 'recording') Object.assign(row, { target: `≤ ×1.05 and < network (×${net.consumeRatio.median.toFixed(2)})`, verdict: verdict(s.consumeRatio.median <= 1.05 && s.consumeRatio.median < net.consumeRatio.median) });
        out.push(row);
        out.push({ section: `capture ${kind}`, figure: `${arm}: page main-thread CPU (TaskDuration)`, value: ms(s.taskMs.median), spread: spreadOf(s.taskMs), ratio: arm === 'none' ? '1' : ratio(s.taskRatio), target: '', verdict: '' });
        out.push({ section: `capture ${kind}`, figure: `${arm}: whole-browser CPU until quiet`, value: ms(s.browserCpuMs.median), spread: spreadOf(s.browserCpuMs), ratio: arm === 'none' ? '1' : ratio(s.browserCpuRatio), target: '', verdict: '' });
      }
    }
  }
  if (r.deep) {
    const d = r.deep;
    for (const [kind, arms] of Object.entries(d.summary)) {
      for (const [arm, s] of Object.entries(arms)) {
        out.push({ section: `deep ${kind} (worker)`, figure: `${arm}: time to consume ${d.n.toLocaleString('en')} events`, value: ms(s.consumeMs.median), spread: spreadOf(s.consumeMs), ratio: arm === 'none' ? '1' : ratio(s.consumeRatio), target: '', verdict: '' });
        out.push({ section: `deep ${kind} (worker)`, figure: `${arm}: whole-browser CPU until quiet`, value: ms(s.browserCpuMs.median), spread: spreadOf(s.browserCpuMs), ratio: arm === 'none' ? '1' : ratio(s.browserCpuRatio), target: '', verdict: '' });
      }
    }
    out.push({ section: 'deep', figure: 'events of the worker\'s streams in the deep arm\'s capture (last trial\'s tab)', value: String(d.capturedInDeep), spread: '', ratio: '', target: '', verdict: '' });
  }
  if (r.memory) {
    const budget = `${round(r.memory.budgetBytes / 2 ** 20, 0)} MB`;
    for (const p of r.memory.points) {
      const at = `after ${p.events.toLocaleString('en')} events`;
      out.push({ section: 'memory', figure: `${at}: background (service worker) JS heap after GC`, value: `${round(p.backgroundHeapMB)} MB`, spread: '', ratio: '', target: '', verdict: '' });
      out.push({ section: 'memory', figure: `${at}: panel JS heap after GC (opened on the tab)`, value: `${round(p.panelHeapMB)} MB`, spread: `shown in ${ms(p.panelFirstRenderMs)}`, ratio: '', target: '', verdict: '' });
      out.push({ section: 'memory', figure: `${at}: events / payload bytes the capture holds (budget ${budget})`, value: `${p.heldEvents.toLocaleString('en')} / ${round(p.heldBytes / 2 ** 20)} MB`, spread: `page consumed them in ${ms(p.consumeMs)}`, ratio: '', target: '', verdict: '' });
    }
  }
  if (r.latency) {
    for (const [rate, l] of Object.entries(r.latency.byRate)) {
      // "1000×3": 1,000 events/s in each of 3 tabs at once, measured on the first.
      out.push({ section: `latency ${rate}/s`, figure: 'page → panel shows it, p50', value: ms(l.shown.p50), spread: `per-rep p50 ${round(l.shownP50PerRep.min)}–${round(l.shownP50PerRep.max)}`, ratio: '', target: '', verdict: '' });
      const p95: Row = { section: `latency ${rate}/s`, figure: 'page → panel shows it, p95', value: ms(l.shown.p95), spread: `per-rep p95 ${round(l.shownP95PerRep.min)}–${round(l.shownP95PerRep.max)}`, ratio: '', target: '', verdict: '' };
      if (rate !== '100') Object.assign(p95, { target: '< 50 ms', verdict: verdict(l.shown.p95 < 50) });
      out.push(p95);
      out.push({ section: `latency ${rate}/s`, figure: 'page → panel DOM updated, p50 / p95', value: `${ms(l.dom.p50)} / ${ms(l.dom.p95)}`, spread: '', ratio: '', target: '', verdict: '' });
      out.push({ section: `latency ${rate}/s`, figure: 'hook → records message in the panel page, p50 / p95', value: `${ms(l.port.p50)} / ${ms(l.port.p95)}`, spread: '', ratio: '', target: '', verdict: '' });
    }
  }
  if (r.panelScale) {
    const p = r.panelScale.summary;
    const n = r.panelScale.events.toLocaleString('en');
    out.push({ section: 'panel scale', figure: `first render (connection of ${n} events listed)`, value: ms(p.firstRenderMs.median), spread: spreadOf(p.firstRenderMs), ratio: '', target: '', verdict: '' });
    out.push({ section: 'panel scale', figure: 'open the connection (event table rendered)', value: ms(p.openConnectionMs.median), spread: spreadOf(p.openConnectionMs), ratio: '', target: '', verdict: '' });
    out.push({ section: 'panel scale', figure: 'scroll frame, wheel steps: p50 / p95 / max', value: `${ms(p.wheel.p50)} / ${ms(p.wheel.p95)} / ${ms(p.wheel.max)}`, spread: `${p.wheel.n} frames`, ratio: '', target: 'p95 < 16 ms', verdict: verdict(p.wheel.p95 < 16) });
    out.push({ section: 'panel scale', figure: 'scroll frame, jumps: p50 / p95 / max', value: `${ms(p.jump.p50)} / ${ms(p.jump.p95)} / ${ms(p.jump.max)}`, spread: `${p.jump.n} frames`, ratio: '', target: 'p95 < 16 ms', verdict: verdict(p.jump.p95 < 16) });
    out.push({ section: 'panel scale', figure: 'long animation frames (≥ 50 ms) while scrolling', value: String(p.longFrames.median), spread: spreadOf(p.longFrames), ratio: '', target: '', verdict: '' });
    for (const [q, s] of Object.entries(p.filterMs)) {
      out.push({ section: 'panel scale', figure: `filter (search) ${q === '' ? 'cleared' : JSON.stringify(q)} over ${n} events`, value: ms(s.median), spread: spreadOf(s), ratio: '', target: '< 100 ms', verdict: verdict(s.median < 100) });
    }
    for (const [q, s] of Object.entries(p.searchMs ?? {})) {
      out.push({ section: 'panel scale', figure: `search all streams (drawer) ${JSON.stringify(q)} over ${n} events`, value: ms(s.median), spread: spreadOf(s), ratio: '', target: '< 100 ms', verdict: verdict(s.median < 100) });
    }
    out.push({ section: 'panel scale', figure: 'DOM elements in the panel (event-table rows)', value: `${p.domElements.median} (${p.tableRows.median})`, spread: '', ratio: '', target: '', verdict: '' });
    out.push({ section: 'panel scale', figure: 'panel JS heap after GC: opened / after scroll+filter', value: `${round(p.heapUsedMB.median)} MB / ${round(p.heapUsedAfterMB.median)} MB`, spread: spreadOf(p.heapUsedMB), ratio: '', target: '', verdict: '' });
    const c = r.panelScale.capture;
    out.push({ section: 'storage', figure: `extension: IndexedDB write rate while capturing ${n} WebSocket frames`, value: `${round(c.persistRate, 0)} events/s`, spread: `all stored ${c.persistedAllMs === null ? 'not within 120 s' : `${round(c.persistedAllMs / 1000, 1)} s after start`}; page consumed in ${round(c.consumeMs / 1000, 1)} s`, ratio: '', target: '', verdict: '' });
  }
  if (r.storage) {
    for (const [batch, s] of Object.entries(r.storage.byBatch)) {
      out.push({ section: 'storage', figure: `store.write in a page, ${batch} events per transaction`, value: `${round(s.eventsPerSec.median, 0)} events/s`, spread: spreadOf(s.eventsPerSec), ratio: '', target: '', verdict: '' });
    }
  }
  if (r.storagePipeline) {
    const { live, burst } = r.storagePipeline;
    const per = (x: typeof live) => `${x.tabs} tabs × ${x.eventsPerTab.toLocaleString('en')} WebSocket frames`;
    const swCpu = (x: typeof live) => `service worker ${round(x.summary.swCpuPerEventUs.median, 1)} µs CPU/event`;
    const allIn = (x: typeof live) => (x.summary.allStoredMs.n === x.reps ? `all stored ${round(x.summary.allStoredMs.median / 1000, 1)} s` : `${x.reps - x.summary.allStoredMs.n} of ${x.reps} runs not all stored within 120 s`);
    out.push({ section: 'storage', figure: `extension, live: ${per(live)} at once, offered → stored (10–90 % slope)`, value: `${round(live.summary.offeredPerSec.median, 0)} → ${round(live.summary.storedPerSec.median, 0)} events/s`, spread: `${spreadOf(live.summary.storedPerSec)}; ${allIn(live)} after start, ${round(live.summary.drainMs.median / 1000, 1)} s after the pages`, ratio: swCpu(live), target: '', verdict: '' });
    const allRate = (burst.tabs * burst.eventsPerTab) / (burst.summary.allStoredMs.median / 1000);
    out.push({ section: 'storage', figure: `extension, burst: ${per(burst)} offered while the worker is paused, stored after it resumes (10–90 % slope)`, value: `${round(burst.summary.storedPerSec.median, 0)} events/s`, spread: `${spreadOf(burst.summary.storedPerSec)}; ${allIn(burst)} after resuming (${round(allRate, 0)} events/s overall)`, ratio: swCpu(burst), target: '≥ 50,000 events/s', verdict: verdict(burst.summary.storedPerSec.median >= 50_000 && burst.summary.allStoredMs.n === burst.reps) });
  }
  if (r.exportImport) {
    for (const [op, s] of Object.entries(r.exportImport.ops)) {
      out.push({ section: 'export/import', figure: `${op} (${r.exportImport.events.toLocaleString('en')} events, ${round(s.bytes / 2 ** 20, 1)} MB)${s.ok ? '' : ' FAILED'}`, value: ms(s.ms.median), spread: spreadOf(s.ms), ratio: `peak RSS ${round(s.peakRssMB.median, 0)} MB (+${round(s.peakRssMB.median - s.rssBeforeMB.median, 0)})`, target: '', verdict: '' });
    }
  }
  if (r.search) {
    const n = r.search.events.toLocaleString('en');
    for (const [q, s] of Object.entries(r.search.queries)) {
      out.push({ section: 'search', figure: `search all streams ${q} over ${n} events (${s.total.toLocaleString('en')} matches)`, value: ms(s.ms.median), spread: spreadOf(s.ms), ratio: '', target: '< 100 ms', verdict: verdict(s.ms.median < 100) });
    }
  }
  return out;
}

export function markdown(rs: Row[]): string {
  const lines = ['| section | figure | median | spread (IQR/2, min–max) | ratio / memory | target | |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of rs) lines.push(`| ${r.section} | ${r.figure} | ${r.value} | ${r.spread} | ${r.ratio} | ${r.target} | ${r.verdict === 'MISS' ? '**MISS**' : r.verdict} |`);
  return lines.join('\n');
}

export function consoleTable(rs: Row[]): string {
  const cols: (keyof Row)[] = ['section', 'figure', 'value', 'spread', 'ratio', 'target', 'verdict'];
  const w = cols.map((c) => Math.max(c.length, ...rs.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(w[i]!)).join('  ');
  return [line(cols), line(w.map((n) => '-'.repeat(n))), ...rs.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}
