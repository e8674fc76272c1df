/**
 * The Playwright Test fixture: one Chromium with the extension per worker (a persistent
 * context, as extensions need), a fresh watched `page` per test, and `durable`, whose methods
 * run one validation test with the same code as `durable-sessions check` (src/cli/run-one.ts).
 * The verdicts, trace and report of a test are attached to it for the Playwright report.
 */
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { test as base, expect as baseExpect, type Expect, type ExpectMatcherState, type Page, type PlaywrightTestArgs, type PlaywrightTestOptions, type PlaywrightWorkerArgs, type PlaywrightWorkerOptions, type TestInfo, type TestType } from '@playwright/test';
import { launchBrowser, CHROMIUM, type LaunchedBrowser } from '../cli/chromium';
import { openControl, tabIdOf, tabsShowing, type Control } from '../cli/control';
import { markerServer, runOne, RunLog } from '../cli/run-one';
import { runTestTimeoutMs, type RunTestOptions } from '../protocol/panel';
import { parseFaultSpec, type FaultSpec } from '../core/faults/spec';
import type { TestId, Verdict } from '../core/analysis/types';
import { captureOf } from './capture.js';
import { chooseBrowser, shouldAttach } from './decisions.js';
import { isVerdict, notAVerdict, reasonMatches, toHaveVerdictMessage, toPassMessage } from './matchers.js';
import type { ArmedFault, Durable, DurableCapture, DurableMatchers, DurableTestFixtures, DurableTraceMode, DurableVerdict, DurableWorkerFixtures, FaultInput, RunOptions, SecondTabCancelOptions } from './types.js';

// The core's shapes must keep fitting the published ones (a compile error here means the
// public types in types.ts need the same change).
type Fits<A extends B, B> = A;
type VerdictFits = Fits<Verdict, DurableVerdict>;
type TestIdFits = Fits<TestId, DurableVerdict['test']>;
// Every fault the core can arm is one a user can write, field for field.
type FaultFits = Fits<Omit<FaultSpec, 'id'>, FaultInput>;

interface Worker {
  browser: LaunchedBrowser;
  control: Control;
  marker: Awaited<ReturnType<typeof markerServer>>;
  label: string;
  index: number;
}

class DurableRun {
  private readonly tabs = new Map<Page, number>();
  private lastPage: Page | null = null;
  private readonly startedAt = Date.now();
  private marks = 0;
  readonly log: RunLog;

  constructor(
    private readonly worker: Worker,
    private readonly testInfo: TestInfo,
  ) {
    this.log = new RunLog(worker.control, () => this.lastPage?.url() ?? '', 'playwright');
  }

  async watch(page: Page): Promise<void> {
    const url = this.worker.marker.url(`tab-${this.worker.index}-${++this.marks}-${randomUUID()}`);
    await page.goto(url);
    const tabId = await tabIdOf(this.worker.control, url);
    this.tabs.set(page, tabId);
    await this.use(page);
  }

  /** Points the worker's control at the page's tab (which starts recording it). */
  private async use(page: Page): Promise<number> {
    let tabId = this.tabs.get(page);
    if (tabId === undefined) {
      const url = page.url();
      const ids = await tabsShowing(this.worker.control, url);
      if (ids.length !== 1) throw new Error(`durable-sessions: cannot tell which tab shows ${url}; call durable.watch(page) before the page loads your app`);
      tabId = ids[0]!;
      this.tabs.set(page, tabId);
    }
    if (this.worker.control.tabId !== tabId) await this.worker.control.attach(tabId);
    this.lastPage = page;
    return tabId;
  }

  async run(test: TestId, page: Page, opts: RunOptions & Partial<SecondTabCancelOptions> & { dropAfterEvents?: number }): Promise<DurableVerdict> {
    await this.use(page);
    const options: Partial<RunTestOptions> = {
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.waitForGenerationMs !== undefined ? { waitForGenerationMs: opts.waitForGenerationMs } : {}),
      ...(opts.dropAfterEvents !== undefined ? { dropAfterEvents: opts.dropAfterEvents } : {}),
      secondTabUrl: opts.secondTabUrl ?? null,
      stopSelector: opts.stopSelector ?? null,
    };
    // A test can run for as long as the background allows it: that time is added to the
    // spec's own budget, as test.slow() does, instead of failing on Playwright's default.
    if (this.testInfo.timeout > 0) this.testInfo.setTimeout(this.testInfo.timeout + runTestTimeoutMs(options));
    const send = opts.send;
    const stop = opts.stop;
    const t0 = Date.now();
    const verdict = await base.step(`durable-sessions ${test}`, () =>
      runOne(this.worker.control, {
        test,
        send: send ? async () => void (await send(page)) : null,
        ...(stop ? { stop: async (pageB: Page) => await stop(pageB) } : {}),
        options,
        progress: () => {},
      }),
    );
    await this.log.record(test, t0, verdict);
    return verdict;
  }

  async capture(page: Page): Promise<DurableCapture> {
    await this.use(page);
    const { sessionId, snapshot } = await this.worker.control.session();
    return captureOf(sessionId, snapshot);
  }

  async fault(page: Page, input: FaultInput): Promise<ArmedFault> {
    const tabId = await this.use(page);
    const { trigger, scope, probability, once, ...rest } = input;
    const spec: FaultSpec = { ...rest, id: `playwright-${randomUUID()}`, trigger: trigger ?? { kind: 'now' }, scope: scope ?? { kind: 'tab' }, probability: probability ?? 1, once: once ?? true };
    const parsed = parseFaultSpec(spec);
    if (!parsed.ok) throw new Error(`durable.fault: ${parsed.error}`);
    const client = this.worker.control.client;
    await client.request('arm-fault', { tabId, fault: parsed.spec });
    return {
      id: spec.id,
      disarm: async () => {
        await client.request('disarm-fault', { tabId, faultId: spec.id });
      },
    };
  }

  /** Attaches the trace and the report to the test, per `durableTrace`. */
  async finish(mode: DurableTraceMode): Promise<void> {
    try {
      if (!shouldAttach(mode, this.testInfo)) return;
      // A test that ran no validation test still leaves what its page captured.
      if (this.log.sessions.length === 0 && this.lastPage && !this.lastPage.isClosed()) await this.log.snapshot('capture', this.startedAt);
      if (this.log.sessions.length === 0) return;
      const file = this.testInfo.outputPath('durable-sessions.dstrace.json');
      await this.log.writeTrace(file, this.worker.label);
      await this.testInfo.attach('durable-sessions trace', { path: file, contentType: 'application/json' });
      if (this.log.runs.length) await this.testInfo.attach('durable-sessions report', { body: `${JSON.stringify(this.log.report(this.startedAt), null, 2)}\n`, contentType: 'application/json' });
    } finally {
      this.log.close();
    }
  }
}

type Internal = { _durableRun: DurableRun };
type InternalWorker = { _durableWorker: Worker };

export const test = base.extend<DurableTestFixtures & Internal, DurableWorkerFixtures & InternalWorker>({
  durableBrowser: [{}, { scope: 'worker', option: true }],
  durableTrace: ['retain-on-failure', { option: true }],
  _durableWorker: [
    async ({ playwright, headless, channel, launchOptions, durableBrowser }, use, workerInfo) => {
      let bundled: string | null = null;
      try {
        bundled = playwright.chromium.executablePath();
      } catch {
        // This Playwright knows no Chromium of its own for this platform.
      }
      const choice = chooseBrowser({ executablePath: durableBrowser.executablePath ?? launchOptions.executablePath, envPath: process.env.CHROMIUM_PATH, channel, bundled, system: CHROMIUM, exists: existsSync });
      const browser = await launchBrowser({
        browserType: playwright.chromium,
        chromium: choice.chromium,
        ...(choice.channel !== undefined ? { channel: choice.channel } : {}),
        headless,
        args: [...(launchOptions.args ?? []), ...(durableBrowser.args ?? [])],
      }).catch((error: unknown) => {
        throw new Error(`durable-sessions: could not start ${choice.label} with the extension (branded Chrome and Edge ignore --load-extension; use Chromium): ${error instanceof Error ? error.message : String(error)}`);
      });
      const marker = await markerServer();
      try {
        const control = await openControl(browser.context, browser.extensionId!);
        await use({ browser, control, marker, label: choice.label, index: workerInfo.parallelIndex });
        await control.close().catch(() => {});
      } finally {
        marker.close();
        await browser.close();
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  // One extension instance per worker: every test of the worker shares its browser profile.
  context: async ({ _durableWorker }, use) => {
    await use(_durableWorker.browser.context);
  },
  _durableRun: async ({ _durableWorker }, use, testInfo) => {
    await use(new DurableRun(_durableWorker, testInfo));
  },
  // Watched from before it loads anything, so a generation sent by the spec itself is captured.
  page: async ({ context, _durableRun }, use) => {
    const page = await context.newPage();
    await _durableRun.watch(page);
    await use(page);
    await page.close();
  },
  // Depends on `page` so its teardown (the attachments) runs while the page is still open.
  durable: async ({ _durableRun, durableTrace, page }, use) => {
    void page;
    const run = _durableRun;
    const durable: Durable = {
      reconnectResume: (p, o = {}) => run.run('reconnect-resume', p, o),
      multiSurface: (p, o = {}) => run.run('multi-surface', p, o),
      secondTabCancel: (p, o = {}) => run.run('second-tab-cancel', p, o),
      capture: (p) => run.capture(p),
      fault: (p, f) => run.fault(p, f),
      watch: (p) => run.watch(p),
    };
    await use(durable);
    await run.finish(durableTrace);
  },
}) as unknown as TestType<PlaywrightTestArgs & PlaywrightTestOptions & DurableTestFixtures, PlaywrightWorkerArgs & PlaywrightWorkerOptions & DurableWorkerFixtures>;

export const expect: Expect<DurableMatchers> = baseExpect.extend({
  toPass(this: ExpectMatcherState, received: unknown, options?: { timeout?: number; intervals?: number[] }) {
    // Playwright's own toPass retries a callback: keep it working for functions.
    if (typeof received === 'function') {
      const assertion = this.isNot ? baseExpect(received).not : baseExpect(received);
      return (assertion as unknown as { toPass(o?: typeof options): Promise<void> }).toPass(options).then(
        () => ({ pass: !this.isNot, message: () => '' }),
        (error: unknown) => ({ pass: this.isNot, message: () => (error instanceof Error ? error.message : String(error)) }),
      );
    }
    if (!isVerdict(received)) throw notAVerdict('toPass', received);
    const pass = received.verdict === 'pass';
    return { pass, name: 'toPass', message: () => toPassMessage(received, this.isNot) };
  },
  toHaveVerdict(this: ExpectMatcherState, received: unknown, verdict: DurableVerdict['verdict'], reason?: string | RegExp) {
    if (!isVerdict(received)) throw notAVerdict('toHaveVerdict', received);
    const pass = received.verdict === verdict && reasonMatches(received.reason, reason);
    return { pass, name: 'toHaveVerdict', message: () => toHaveVerdictMessage(received, verdict, reason, this.isNot) };
  },
}) as unknown as Expect<DurableMatchers>;
