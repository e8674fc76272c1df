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

/** utime+stime (ms) from a /proc stat file (a process's or a thread's), or null once it is gone. */
function cpuMsOf(statPath: string): number | null {
  try {
    const stat = readFileSync(statPath, 'utf8');
    // The command name in parentheses may hold spaces: fields are counted after its ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS;
  } catch {
    return null;
  }
}

/** utime+stime (ms) per pid of the tree. */
export function cpuByPid(marker: string): CpuSample {
  const m: CpuSample = new Map();
  for (const { pid, cat } of pidsOf(marker)) {
    const ms = cpuMsOf(`/proc/${pid}/stat`);
    if (ms !== null) m.set(pid, { ms, cat });
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
 * CPU ms (utime+stime) per thread name (/proc/PID/task/TID/comm, 15 characters at most) of the
 * tree's processes of one kind (`cat`, as `cpuDeltaByKind` names them; all kinds when null),
 * threads of the same name summed: e.g. the renderer's main thread beside its IO and
 * compositor threads, which a page's JS profile does not see.
 */
export function threadCpuByName(marker: string, cat: string | null = null): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of pidsOf(marker)) {
    if (cat !== null && p.cat !== cat) continue;
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${p.pid}/task`);
    } catch {
      continue; // gone
    }
    for (const tid of tids) {
      let name: string;
      try {
        name = readFileSync(`/proc/${p.pid}/task/${tid}/comm`, 'utf8').trim();
      } catch {
        continue; // gone
      }
      const ms = cpuMsOf(`/proc/${p.pid}/task/${tid}/stat`);
      if (ms !== null) out.set(name, (out.get(name) ?? 0) + ms);
    }
  }
  return out;
}

/**
 * CPU ms of the tree's threads whose name starts with `prefix`: e.g. "ServiceWorker t", the
 * extension's service worker thread, which shares its process with the extension's pages.
 */
export function threadCpuMs(marker: string, prefix: string): number {
  let ms = 0;
  for (const [name, v] of threadCpuByName(marker)) if (name.startsWith(prefix)) ms += v;
  return ms;
}
