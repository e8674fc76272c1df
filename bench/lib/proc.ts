/**
 * CPU time of a Chromium process tree from /proc (Linux): all processes whose command line
 * names our profile directory (browser, renderers, extension service worker, network service).
 * Other helpers' browsers on the machine use other profile directories and are not counted.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

/** Process kind from Chromium's command line: where the CPU went. */
function category(cmd: string): string {
  if (!cmd.includes('--type=')) return 'browser';
  if (cmd.includes('--type=renderer')) return cmd.includes('--extension-process') ? 'extension' : 'renderer';
  if (cmd.includes('--type=utility')) {
    if (cmd.includes('network.mojom')) return 'network';
    if (cmd.includes('storage.mojom')) return 'storage';
    return 'utility';
  }
  if (cmd.includes('--type=gpu')) return 'gpu';
  return 'other';
}

const cmdlines = new Map<number, string>();

function pidsOf(marker: string): { pid: number; cat: string }[] {
  const out: { pid: number; cat: string }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const pid = Number(d);
    let cmd = cmdlines.get(pid);
    if (cmd === undefined) {
      try {
        cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        cmd = '';
      }
      // Pids are reused only after a process exits: an empty entry is re-read next time.
      if (cmd) cmdlines.set(pid, cmd);
    }
    if (cmd.includes(marker)) out.push({ pid, cat: category(cmd) });
  }
  return out;
}

export type CpuSample = Map<number, { ms: number; cat: string }>;

/** utime+stime (ms) per pid of the tree. */
export function cpuByPid(marker: string): CpuSample {
  const m: CpuSample = new Map();
  for (const { pid, cat } of pidsOf(marker)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      m.set(pid, { ms: ((Number(f[11]) + Number(f[12])) * 1000) / TICKS, cat });
    } catch {
      // gone
    }
  }
  return m;
}

/** CPU ms the tree used between two samples (processes that appeared count from 0). */
export function cpuDelta(before: CpuSample, after: CpuSample): number {
  let d = 0;
  for (const [pid, { ms }] of after) d += ms - (before.get(pid)?.ms ?? 0);
  return d;
}

/** The same, per process kind (browser, renderer, extension, network, storage, …). */
export function cpuDeltaByKind(before: CpuSample, after: CpuSample): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, { ms, cat }] of after) out[cat] = (out[cat] ?? 0) + ms - (before.get(pid)?.ms ?? 0);
  return out;
}

/** Waits until the tree uses less than `maxBusy` of one core over `windowMs` (or gives up). */
export async function waitQuiet(marker: string, { windowMs = 300, maxBusy = 0.08, timeoutMs = 15_000 } = {}): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const a = cpuByPid(marker);
    await new Promise((r) => setTimeout(r, windowMs));
    const busy = cpuDelta(a, cpuByPid(marker)) / windowMs;
    if (busy < maxBusy || Date.now() - t0 > timeoutMs) return Date.now() - t0;
  }
}

export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

/**
 * CPU ms (utime+stime) of the threads of the tree whose name (/proc/PID/task/TID/comm, 15
 * characters at most) starts with `prefix`: e.g. "ServiceWorker t", the extension's service
 * worker thread, which shares its process with the extension's pages.
 */
export function threadCpuMs(marker: string, prefix: string): number {
  let ms = 0;
  for (const { pid } of pidsOf(marker)) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // gone
    }
    for (const tid of tids) {
      try {
        if (!readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').startsWith(prefix)) continue;
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ms += ((Number(f[11]) + Number(f[12])) * 1000) / TICKS;
      } catch {
        // gone
      }
    }
  }
  return ms;
}
