/**
 * `durable-sessions check <url>`: the three validation tests against any app, headless, for CI.
 * Same extension build, same background test runner, same core verdicts as the panel.
 */
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchBrowser, EXTENSION_DIR } from './chromium';
import type { Page } from 'playwright-core';
import { openControl, tabIdOf, type Control } from './control';
import { addInternalErrors, reportOf, type InternalErrorReport } from '../protocol/internal-errors';
import { STOP_BY_DRIVER } from '../background/scenarios/second-tab-cancel';
import { defaultDriver, loadDriver, type Driver } from './driver';
import { buildReport, exitCodeOf, formatReport, junitXml, type CheckReport } from './report';
import type { CheckArgs } from './args';
import { analyzeWithView, passiveFlags, trapSummary, type Flag, type Verdict } from '../core/analysis';
import type { ExportSession } from '../core/export';
import { writeTraceFile } from './trace-file';
import { TrafficWatch } from './traffic';
import { notSentVerdict } from './send-outcome';

export class SetupError extends Error {}

export interface Output {
  /** A line of the final report or a message. */
  line(text: string): void;
  /** Progress of a step; replaces the previous progress line on a terminal. */
  progress(text: string): void;
}

async function reachable(url: string): Promise<void> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(8000), redirect: 'manual' });
    await res.body?.cancel();
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new SetupError(`${url} does not answer (${cause?.code ?? cause?.message ?? (e as Error).message})`);
  }
}

/** A page on a private local port whose URL names one tab, so the extension can find its id. */
async function markerServer(): Promise<{ url: string; close(): void }> {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>durable-sessions check</title>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/check-tab`, close: () => server.close() };
}

function mergeFlags(all: Flag[], more: Flag[]): void {
  for (const f of more) if (!all.some((x) => x.id === f.id && x.message === f.message)) all.push(f);
}

/** Lets the driver press stop in the second tab: pressed, false (disabled there), or a throw (none found). */
async function pressWithDriver(driver: Driver, tabB: Page | null, control: Control): Promise<void> {
  let result: 'pressed' | 'disabled' | 'missing' = 'missing';
  let at = Date.now();
  try {
    if (tabB) {
      // The extension opens the second tab in the background, where animation frames are
      // throttled and Playwright's actionability checks would wait for ever: show it first.
      await tabB.bringToFront();
      at = Date.now();
      result = (await driver.stop!(tabB)) === false ? 'disabled' : 'pressed';
    }
  } catch {
    result = 'missing';
  }
  await control.reportStop({ found: result !== 'missing', enabled: result === 'pressed', label: 'Stop (driver)', at });
}

export async function runCheck(args: CheckArgs, out: Output): Promise<{ report: CheckReport; code: 0 | 1 }> {
  if (!existsSync(args.browser)) throw new SetupError(`no browser at ${args.browser} (install Debian's chromium, or pass --browser PATH)`);
  if (!existsSync(`${EXTENSION_DIR}/manifest.json`)) throw new SetupError(`the extension is not built (${EXTENSION_DIR}): run npm run build`);
  await reachable(args.url);
  const custom = args.driver ? await loadDriver(args.driver) : null;

  const startedAt = Date.now();
  const marker = await markerServer();
  const browser = await launchBrowser({ headless: !args.headed, chromium: args.browser });
  const runs: Array<{ verdict: Verdict; durationMs: number }> = [];
  const flags: Flag[] = [];
  let internalErrors: InternalErrorReport[] = [];
  const checkFailures: string[] = [];
  const sessions: ExportSession[] = [];
  let tabId = -1;
  let traffic: TrafficWatch | null = null;
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // Watching from before the app loads: a socket it opens at load may carry the prompt later.
    traffic = new TrafficWatch(page);
    const driver: Driver = custom ?? defaultDriver({ input: args.input, send: args.send, traffic });
    await page.goto(marker.url);
    const control = await openControl(browser.context, browser.extensionId!);
    // The background's tally of our own failures comes with each capture state.
    control.client.on('capture-state', (m) => {
      if (m.tabId === tabId) internalErrors = m.internalErrors;
    });
    tabId = await tabIdOf(control.page, marker.url);
    await control.attach(tabId);
    // The second tab a test opens, for a driver that presses stop itself.
    let newest: Page | null = null;
    browser.context.on('page', (p) => (newest = p));
    const record = async (test: string, t0: number, verdict: Verdict): Promise<void> => {
      runs.push({ verdict, durationMs: Date.now() - t0 });
      out.line(`${test}: ${verdict.verdict.toUpperCase()} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      const { sessionId, snapshot } = await control.session();
      const started = snapshot.connections[0]?.summary.startedAt ?? t0;
      sessions.push({ info: { id: sessionId ?? `check-${test}`, tabId, browserRun: 'check', url: args.url, startedAt: started, updatedAt: Date.now(), correlationIds: [] }, snapshot });
      try {
        mergeFlags(flags, passiveFlags(analyzeWithView(snapshot.connections, snapshot.view ?? []), Date.now()));
      } catch (error) {
        // Flags that could not be computed are not "no flags": the summary must not say "no".
        checkFailures.push(`the flag checks failed after ${test} (${error instanceof Error ? error.message : String(error)})`);
        addInternalErrors(internalErrors, [reportOf('cli:flags', error)]);
      }
    };
    for (const test of args.only) {
      const t0 = Date.now();
      out.progress(`${test}: opening ${args.url}`);
      await page.goto(args.url, { waitUntil: 'load' });
      out.progress(`${test}: sending the prompt`);
      const sent = await driver.send(page, args.prompt);
      if (sent && !sent.sent) {
        // The runner's own failure: say so now, rather than wait for a generation nobody asked for.
        out.progress(`${test}: the prompt was not sent`);
        await record(test, t0, notSentVerdict(test, sent));
        continue;
      }
      if (sent) out.progress(`${test}: sent with ${sent.via} (${sent.traffic})`);
      const externalStop = test === 'second-tab-cancel' && driver.stop !== undefined;
      const run = await control.runTest(
        test,
        { timeoutMs: args.timeoutMs, dropAfterEvents: args.dropAfter, secondTabUrl: args.secondTabUrl, stopSelector: args.stop, waitForGenerationMs: 30_000, externalStop },
        (step, ms) => {
          out.progress(`${test}: ${step}… ${(ms / 1000).toFixed(1)} s`);
          if (externalStop && step === STOP_BY_DRIVER) void pressWithDriver(driver, newest, control);
        },
      );
      await record(test, t0, run.verdict);
    }
  } finally {
    traffic?.stop();
    await browser.close();
    marker.close();
  }
  const report = buildReport(args.url, startedAt, runs, flags, trapSummary(flags, runs.map((r) => r.verdict), checkFailures), internalErrors);
  if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  if (args.junit) writeFileSync(args.junit, junitXml(report));
  if (args.trace) await writeTraceFile(args.trace, sessions, { pageUrl: args.url, browser: `Chromium (${args.browser})`, flags });
  out.line('');
  out.line(formatReport(report));
  return { report, code: exitCodeOf(report) };
}
