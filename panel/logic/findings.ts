/**
 * Pure helpers of the Tests & findings view: the three tests as a user reads them, their
 * options form, the latest verdict per test, and where a piece of evidence points.
 */
import { CAPABILITY_NAMES, CAPABILITY_OF_TEST, type Evidence, type Flag, type Severity, type TestId, type TrapSummary, type VerdictKind } from '../../src/core/analysis';
import type { TabCapture } from '../../src/core/trace/model';
import type { TestRunRecord } from '../../src/core/trace/session';
import type { RunTestOptions } from '../../src/protocol/panel';

export interface TestInfo {
  id: TestId;
  name: string;
  capability: string;
  /** What the test does, in one line, so a user knows what will happen to the page. */
  what: string;
}

export const TESTS: TestInfo[] = [
  { id: 'reconnect-resume', name: 'Reconnect-resume', capability: CAPABILITY_NAMES[CAPABILITY_OF_TEST['reconnect-resume']], what: 'Drops the AI stream mid-generation and watches the app reconnect and resume.' },
  { id: 'multi-surface', name: 'Multi-surface visibility', capability: CAPABILITY_NAMES[CAPABILITY_OF_TEST['multi-surface']], what: 'Opens the conversation in a second tab while it streams and checks the output shows there live.' },
  { id: 'second-tab-cancel', name: 'Live cancel from a second tab', capability: CAPABILITY_NAMES[CAPABILITY_OF_TEST['second-tab-cancel']], what: "Presses the app's stop control in a second tab and checks the generation stops at the source." },
];

export function testName(id: TestId): string {
  return TESTS.find((t) => t.id === id)?.name ?? id;
}

export interface TestOptionsForm {
  timeoutSeconds: string;
  dropAfterEvents: string;
  secondTabUrl: string;
  stopSelector: string;
}

export const DEFAULT_TEST_FORM: TestOptionsForm = { timeoutSeconds: '15', dropAfterEvents: '5', secondTabUrl: '', stopSelector: '' };

/** Options to send; empty fields are left to the background's defaults. */
export function runOptionsOf(form: TestOptionsForm): { ok: true; options: Partial<RunTestOptions> } | { ok: false; error: string } {
  const options: Partial<RunTestOptions> = {};
  if (form.timeoutSeconds.trim() !== '') {
    const s = Number(form.timeoutSeconds);
    if (!Number.isFinite(s) || s <= 0 || s > 600) return { ok: false, error: 'Timeout is 1 to 600 seconds.' };
    options.timeoutMs = Math.round(s * 1000);
  }
  if (form.dropAfterEvents.trim() !== '') {
    const n = Number(form.dropAfterEvents);
    if (!Number.isInteger(n) || n < 0) return { ok: false, error: 'Drop after N events needs a whole number.' };
    options.dropAfterEvents = n;
  }
  const url = form.secondTabUrl.trim();
  if (url !== '') {
    if (!/^https?:\/\//i.test(url)) return { ok: false, error: 'The second-tab URL must start with http:// or https://.' };
    options.secondTabUrl = url;
  }
  if (form.stopSelector.trim() !== '') options.stopSelector = form.stopSelector.trim();
  return { ok: true, options };
}

/** The most recent run of each test, in the order of `TESTS`. */
export function latestRuns(runs: TestRunRecord[]): TestRunRecord[] {
  const latest = new Map<TestId, TestRunRecord>();
  for (const r of runs) {
    const had = latest.get(r.test);
    if (!had || r.endedAt >= had.endedAt) latest.set(r.test, r);
  }
  return TESTS.flatMap((t) => (latest.has(t.id) ? [latest.get(t.id)!] : []));
}

export const VERDICT_LABELS: Record<VerdictKind, string> = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' };

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

export function sortFlags(flags: Flag[]): Flag[] {
  return [...flags].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** "yes" / "no" / "unknown" for the toolbar badge. */
export function trapWord(s: TrapSummary): 'yes' | 'no' | 'unknown' {
  return s.trapped === true ? 'yes' : s.trapped === false ? 'no' : 'unknown';
}

export interface EvidenceTarget {
  connectionId: string;
  /** First event (`TraceEvent.seq`) it names, if any. */
  seq: number | null;
}

/** Where clicking a piece of evidence goes, or null when it names nothing in this capture. */
export function evidenceTarget(ev: Evidence, capture: TabCapture): EvidenceTarget | null {
  if (!ev.connectionId) return null;
  const conn = capture.get(ev.connectionId);
  if (!conn) return null;
  const seq = ev.eventSeqs?.find((s) => s >= 0 && s < conn.events.length) ?? null;
  return { connectionId: ev.connectionId, seq };
}
