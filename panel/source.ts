/**
 * What the panel shows: the live tab, a stored session (e.g. from before a browser restart) or
 * an imported trace. Each is one `TabData`, so every view reads the same shape whichever it is;
 * only the live one keeps changing, and only the live one can be acted on (faults, tests, clear).
 */
import type { PageSignalEvent, TabState } from '../src/core/trace/model';
import type { SessionInfo, TestRunRecord } from '../src/core/trace/session';

/** What every view reads: the core's `TabState`, whichever source it came from. */
export type TabData = TabState;
/** The live tab is folded into with the core's `foldRecords`, the background's own fold. */
export { emptyTabState as emptyTabData, tabStateOf as tabDataOf } from '../src/core/trace/model';

export interface ImportedSession {
  info: SessionInfo;
  data: TabData;
}

export type Source =
  | { kind: 'live' }
  | { kind: 'stored'; info: SessionInfo; data: TabData }
  | { kind: 'imported'; fileName: string; sessions: ImportedSession[]; index: number; warnings: string[] };

/** Adds a finished test run once (the background may also resend it in a later snapshot). */
export function addTestRun(data: TabData, run: TestRunRecord): void {
  if (!data.testRuns.some((r) => r.id === run.id)) data.testRuns.push(run);
}

export function isReadOnly(s: Source): boolean {
  return s.kind !== 'live';
}

/** The latest instant in the data: "now" for a capture that no longer grows. */
export function lastTimeOf(data: TabData): number {
  let t = 0;
  for (const c of data.capture.values()) {
    t = Math.max(t, c.summary.startedAt, c.summary.endedAt ?? 0, c.events.at(-1)?.time ?? 0);
  }
  for (const s of data.signals) t = Math.max(t, s.time);
  return t;
}

/** Offline windows from offline/online signals (an unmatched offline runs to `end`). */
export function offlineWindows(signals: PageSignalEvent[], end: number): { t0: number; t1: number; closed: boolean }[] {
  const out: { t0: number; t1: number; closed: boolean }[] = [];
  let from: number | null = null;
  for (const s of [...signals].sort((a, b) => a.time - b.time)) {
    if (s.signal === 'offline' && from === null) from = s.time;
    else if (s.signal === 'online' && from !== null) {
      out.push({ t0: from, t1: s.time, closed: true });
      from = null;
    }
  }
  if (from !== null) out.push({ t0: from, t1: Math.max(from, end), closed: false });
  return out;
}
