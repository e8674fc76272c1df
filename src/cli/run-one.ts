/**
 * One validation test on a page that is ready to send, and the log of a series of them: what
 * `durable-sessions check` does per test, shared with the Playwright fixture
 * (src/playwright/) so both send, stop, record and report the same way.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { Control } from './control';
import type { Driver } from './driver';
import type { SendOutcome } from './send-outcome';
import { notSentVerdict } from './send-outcome';
import { buildReport, type CheckReport } from './report';
import { writeTraceFile } from './trace-file';
import { STOP_BY_DRIVER } from '../background/scenarios/second-tab-cancel';
import { addInternalErrors, reportOf, type InternalErrorReport } from '../protocol/internal-errors';
import type { RunTestOptions } from '../protocol/panel';
import { analyzeWithView, answerTiming, passiveFlags, trapSummary, type AnswerTiming, type Flag, type TestId, type Verdict } from '../core/analysis';
import type { ExportSession } from '../core/export';
import type { AnyRecording } from '../core/replay/any';
import { targetOf } from './mock-traffic';

/** A page on a private local port whose URLs each name one tab, so the extension can find its id. */
export async function markerServer(): Promise<{ url(name: string): string; close(): void }> {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>durable-sessions</title>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: (name) => `${origin}/${encodeURIComponent(name)}`, close: () => server.close() };
}

/** Lets the driver press stop in the second tab: pressed, false (disabled there), or a throw (none found). */
async function pressWithDriver(stop: NonNullable<Driver['stop']>, tabB: Page | null, control: Control): Promise<void> {
  let result: 'pressed' | 'disabled' | 'missing' = 'missing';
  // When the press happened, for the verdict: the report below arrives later.
  let at = Date.now();
  try {
    if (tabB) {
      // The extension opens the second tab in the background, where animation frames are
      // throttled and Playwright's actionability checks would wait for ever: show it first.
      await tabB.bringToFront();
      at = Date.now();
      result = (await stop(tabB)) === false ? 'disabled' : 'pressed';
    }
  } catch {
    result = 'missing';
  }
  await control.reportStop({ found: result !== 'missing', enabled: result === 'pressed', label: 'Stop (driver)', at });
}

export interface RunOne {
  test: TestId;
  /**
   * Sends the prompt in the control's tab: resolves what it did (the built-in driver) or nothing
   * (a user's code, trusted; the test then waits for the generation). Null: the page was
   * already sent from, and the test only waits for the generation.
   */
  send: (() => Promise<void | SendOutcome>) | null;
  /** Presses stop in the second tab (second-tab-cancel); without it the extension finds the control. */
  stop?: Driver['stop'];
  options: Partial<RunTestOptions>;
  progress(text: string): void;
  /** Armed in the tab before it sends: the app's first matching request is answered from it. */
  mock?: AnyRecording;
}

/** Sends, then runs one test against the control's tab, and resolves its verdict. */
export async function runOne(control: Control, run: RunOne): Promise<Verdict> {
  const { test, progress } = run;
  if (run.mock) {
    progress(`${test}: arming the mock for ${targetOf(run.mock).method} ${run.mock.url}`);
    await control.replay(run.mock, 1);
  }
  if (run.send) {
    progress(`${test}: sending the prompt`);
    const sent = await run.send();
    if (sent && !sent.sent) {
      // The runner's own failure: say so now, rather than wait for a generation nobody asked for.
      progress(`${test}: the prompt was not sent`);
      return notSentVerdict(test, sent);
    }
    if (sent) progress(`${test}: sent with ${sent.via} (${sent.traffic})`);
  }
  const stop = test === 'second-tab-cancel' ? run.stop : undefined;
  // The second tab the test opens is the newest page of the browser.
  let newest: Page | null = null;
  const context = control.page.context();
  const onPage = (p: Page): void => void (newest = p);
  context.on('page', onPage);
  try {
    const record = await control.runTest(test, { waitForGenerationMs: 30_000, ...run.options, externalStop: stop !== undefined }, (step, ms) => {
      progress(`${test}: ${step}… ${(ms / 1000).toFixed(1)} s`);
      // A report that comes after the test gave up waiting for it has nowhere to go.
      if (stop && step === STOP_BY_DRIVER) pressWithDriver(stop, newest, control).catch(() => {});
    });
    return record.verdict;
  } finally {
    context.off('page', onPage);
  }
}

function mergeFlags(all: Flag[], more: Flag[]): void {
  for (const f of more) if (!all.some((x) => x.id === f.id && x.message === f.message)) all.push(f);
}

/**
 * The verdicts of a series of tests with the capture each ended on: the passive flags found
 * in them, our own failures, and from those the report (JSON, JUnit, report card) and trace.
 */
export class RunLog {
  readonly runs: Array<{ verdict: Verdict; durationMs: number; timing: AnswerTiming | null }> = [];
  readonly flags: Flag[] = [];
  readonly sessions: ExportSession[] = [];
  private readonly checkFailures: string[] = [];
  private readonly own: InternalErrorReport[] = [];
  private readonly tabErrors = new Map<number, InternalErrorReport[]>();
  private readonly unwatch: () => void;

  constructor(
    private readonly control: Control,
    private readonly url: () => string,
    private readonly browserRun: string,
  ) {
    // The background's tally of our own failures comes with each capture state of a tab.
    this.unwatch = control.client.on('capture-state', (m) => {
      if (this.tabErrors.has(m.tabId) || m.tabId === control.tabId) this.tabErrors.set(m.tabId, m.internalErrors);
    });
  }

  /** Adds a test's verdict and the capture of the control's tab as it ended. */
  async record(test: TestId, startedAt: number, verdict: Verdict): Promise<void> {
    const run: (typeof this.runs)[number] = { verdict, durationMs: Date.now() - startedAt, timing: null };
    this.runs.push(run);
    await this.snapshot(test, startedAt);
    const snapshot = this.sessions.at(-1)?.snapshot;
    if (!snapshot) return;
    try {
      run.timing = answerTiming(analyzeWithView(snapshot.connections, snapshot.view ?? []), verdict.evidence);
    } catch (error) {
      // Timing that could not be computed is reported as ours, not as a missing answer.
      addInternalErrors(this.own, [reportOf('cli:timing', error)]);
    }
  }

  /** Adds the capture of the control's tab as it is now, and the flags found in it. */
  async snapshot(label: string, startedAt: number): Promise<void> {
    const tabId = this.control.tabId;
    const { sessionId, snapshot } = await this.control.session();
    const started = snapshot.connections[0]?.summary.startedAt ?? startedAt;
    this.sessions.push({ info: { id: sessionId ?? `${this.browserRun}-${label}`, tabId, browserRun: this.browserRun, url: this.url(), startedAt: started, updatedAt: Date.now(), correlationIds: [] }, snapshot });
    try {
      mergeFlags(this.flags, passiveFlags(analyzeWithView(snapshot.connections, snapshot.view ?? []), Date.now()));
    } catch (error) {
      // Flags that could not be computed are not "no flags": the summary must not say "no".
      this.checkFailures.push(`the flag checks failed after ${label} (${error instanceof Error ? error.message : String(error)})`);
      addInternalErrors(this.own, [reportOf('cli:flags', error)]);
    }
  }

  internalErrors(): InternalErrorReport[] {
    const all: InternalErrorReport[] = [];
    for (const reports of this.tabErrors.values()) addInternalErrors(all, reports);
    addInternalErrors(all, this.own);
    return all;
  }

  report(startedAt: number): CheckReport {
    const verdicts = this.runs.map((r) => r.verdict);
    return buildReport(this.url(), startedAt, this.runs, this.flags, trapSummary(this.flags, verdicts, this.checkFailures), this.internalErrors());
  }

  writeTrace(file: string, browser: string): Promise<{ redacted: number }> {
    return writeTraceFile(file, this.sessions, { pageUrl: this.url(), browser, flags: this.flags });
  }

  close(): void {
    this.unwatch();
  }
}
