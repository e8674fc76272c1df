/**
 * `durable-sessions check <url>`: the three validation tests against any app, headless, for CI.
 * Same extension build, same background test runner, same core verdicts as the panel.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { launchBrowser, EXTENSION_DIR } from './chromium';
import { openControl, tabIdOf } from './control';
import { defaultDriver, loadDriver, type Driver } from './driver';
import { exitCodeOf, formatReport, junitXml, type CheckReport } from './report';
import type { CheckArgs } from './args';
import { TrafficWatch } from './traffic';
import { markerServer, runOne, RunLog } from './run-one';
import { readMockFile } from './mock-file';
import { watchMockedRequests } from './mock-traffic';

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

export async function runCheck(args: CheckArgs, out: Output): Promise<{ report: CheckReport; code: 0 | 1 }> {
  if (!existsSync(args.browser)) throw new SetupError(`no browser at ${args.browser} (install Debian's chromium, or pass --browser PATH)`);
  if (!existsSync(`${EXTENSION_DIR}/manifest.json`)) throw new SetupError(`the extension is not built (${EXTENSION_DIR}): run npm run build`);
  await reachable(args.url);
  const custom = args.driver ? await loadDriver(args.driver) : null;
  const mock = args.mock ? await readMockFile(args.mock, args.mockUrl) : null;
  if (mock && !mock.ok) throw new SetupError(`--mock ${mock.error}`);

  const startedAt = Date.now();
  const marker = await markerServer();
  const browser = await launchBrowser({ headless: !args.headed, chromium: args.browser });
  let log: RunLog | null = null;
  let traffic: TrafficWatch | null = null;
  let unwatchMock: (() => void) | null = null;
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // Watching from before the app loads: a socket it opens at load may carry the prompt later.
    traffic = new TrafficWatch(page);
    const driver: Driver = custom ?? defaultDriver({ input: args.input, send: args.send, traffic });
    const markerUrl = marker.url('check-tab');
    await page.goto(markerUrl);
    const control = await openControl(browser.context, browser.extensionId!);
    log = new RunLog(control, () => args.url, 'check');
    await control.attach(await tabIdOf(control, markerUrl));
    unwatchMock = mock?.ok ? watchMockedRequests(control, mock.value.recording, traffic) : null;
    for (const test of args.only) {
      const t0 = Date.now();
      out.progress(`${test}: opening ${args.url}`);
      await page.goto(args.url, { waitUntil: 'load' });
      const verdict = await runOne(control, {
        test,
        send: () => driver.send(page, args.prompt),
        stop: driver.stop?.bind(driver),
        mock: mock?.ok ? mock.value.recording : undefined,
        options: { timeoutMs: args.timeoutMs, dropAfterEvents: args.dropAfter, secondTabUrl: args.secondTabUrl, stopSelector: args.stop },
        progress: (text) => out.progress(text),
      });
      out.line(`${test}: ${verdict.verdict.toUpperCase()} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      await log.record(test, t0, verdict);
    }
  } finally {
    unwatchMock?.();
    log?.close();
    traffic?.stop();
    await browser.close();
    marker.close();
  }
  const report = log!.report(startedAt);
  if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  if (args.junit) writeFileSync(args.junit, junitXml(report));
  if (args.trace) await log!.writeTrace(args.trace, `Chromium (${args.browser})`);
  out.line('');
  out.line(formatReport(report));
  return { report, code: exitCodeOf(report) };
}
