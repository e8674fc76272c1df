/**
 * The public types of `durable-sessions-inspector/playwright`. They are declared here, apart
 * from the core's, so the published declarations need nothing but this folder and
 * `@playwright/test`; fixture.ts checks at compile time that the core's shapes still fit them.
 */
import type { Page } from '@playwright/test';

export type DurableTestId = 'reconnect-resume' | 'multi-surface' | 'second-tab-cancel';

export interface DurableEvidence {
  label: string;
  connectionId?: string;
  /** Positions of the events that show it, in their connection. */
  eventSeqs?: number[];
  /** Epoch milliseconds. */
  time?: number;
  text?: string;
}

/** One test's verdict: what `expect(verdict).toPass()` reads. */
export interface DurableVerdict {
  test: DurableTestId;
  verdict: 'pass' | 'fail' | 'inconclusive';
  /** One sentence: why this verdict. */
  reason: string;
  evidence: DurableEvidence[];
  /** What to change in the app, when it failed. */
  advice: string | null;
}

/** Your code that sends the prompt in the page (type, click Send…). */
export type SendFn = (page: Page) => Promise<unknown> | unknown;
/**
 * Your code that presses stop in the second tab. Resolve `false` when that tab has no usable
 * stop control (a finding, not an error); a throw means no control was found.
 */
export type StopFn = (pageB: Page) => Promise<boolean | void> | boolean | void;

export interface RunOptions {
  /**
   * Sends the prompt after the inspector starts watching. Without it the test waits for a
   * generation you started yourself (then the page must have been watched before you sent:
   * the test's `page` is, from its start).
   */
  send?: SendFn;
  /** How long to wait for reconnects and output, in ms (default 15000). */
  timeoutMs?: number;
  /** How long to wait for the generation to start streaming, in ms (default 30000). */
  waitForGenerationMs?: number;
}

export interface ReconnectResumeOptions extends RunOptions {
  /** Drop the stream after this many events (default 5). */
  dropAfterEvents?: number;
}

export interface MultiSurfaceOptions extends RunOptions {
  /** The second tab's URL (default: the page's URL after sending). */
  secondTabUrl?: string;
}

export interface SecondTabCancelOptions extends MultiSurfaceOptions {
  /** Presses stop in the second tab; without it the inspector finds a control named Stop/Cancel (or `stopSelector`). */
  stop?: StopFn;
  stopSelector?: string;
}

export interface CapturedMessage {
  connectionId: string;
  /** The agent that wrote it, in multi-agent streams. */
  agent?: string;
  text: string;
  finished: boolean;
  cancelled: boolean;
  error?: string;
}

export interface CapturedConnection {
  id: string;
  kind: 'fetch' | 'xhr' | 'websocket' | 'eventsource';
  /** "fetch-SSE", "WebSocket", "EventSource"… */
  transport: string;
  method: string;
  url: string;
  status: number | null;
  state: string;
  /** The protocol recognized ("OpenAI chat completions", "Unrecognized"…). */
  protocol: string;
  /** Whether it carried model output (text, reasoning or tool deltas). */
  aiStream: boolean;
  events: number;
  bytesIn: number;
  bytesOut: number;
  /** Why it ended ("clean", "network-error", "client-abort"…), null while open. */
  end: string | null;
  /** Whether an injected fault ended it. */
  endInjected: boolean;
  faults: Array<{ kind: string; time: number }>;
  /** Epoch milliseconds. */
  startedAt: number;
  firstEventAt: number | null;
  lastEventAt: number | null;
  endedAt: number | null;
  messages: CapturedMessage[];
}

/** The page's session so far, as the inspector captured it. */
export interface DurableCapture {
  sessionId: string | null;
  connections: CapturedConnection[];
  /** The reassembled messages of every AI stream, in connection order. */
  messages: CapturedMessage[];
  timing: {
    /** Epoch milliseconds of the first connection, null when there is none. */
    startedAt: number | null;
    /** From the first connection's start to the last event or end seen. */
    durationMs: number;
    /** From the first AI stream's start to its first event: time to first token. */
    firstEventMs: number | null;
  };
}

export type FaultKindName = 'drop' | 'stall' | 'offline' | 'latency' | 'bandwidth' | 'rechunk' | 'truncate';

/** A fault to inject into the page's streams; unspecified fields get the defaults shown. */
export interface FaultInput {
  kind: FaultKindName;
  /** Default: now. */
  trigger?: { kind: 'now' } | { kind: 'after-events'; count: number } | { kind: 'after-ms'; ms: number } | { kind: 'match'; pattern: string };
  /** Default: every streaming connection of the tab. */
  scope?: { kind: 'connection'; connectionId: string } | { kind: 'tab' } | { kind: 'session' };
  /** Default 1. */
  probability?: number;
  /** Default true: the fault fires on the first stream that triggers it. */
  once?: boolean;
  stallMs?: number;
  stallThen?: 'deliver' | 'drop';
  offlineMs?: number;
  latencyMs?: number;
  bytesPerSecond?: number;
  pieces?: 'bytes' | 'random';
  maxPiece?: number;
  seed?: number;
}

export interface ArmedFault {
  id: string;
  /** Takes the fault back before it fires (or stops a repeating one). */
  disarm(): Promise<void>;
}

/** The `durable` fixture. */
export interface Durable {
  /** Drops the page's AI stream mid-generation and judges whether the answer resumes and completes. */
  reconnectResume(page: Page, options?: ReconnectResumeOptions): Promise<DurableVerdict>;
  /** Opens a second tab on the conversation while it streams and judges whether it shows the live answer. */
  multiSurface(page: Page, options?: MultiSurfaceOptions): Promise<DurableVerdict>;
  /** Opens a second tab, presses stop there and judges whether the generation stops at the source. */
  secondTabCancel(page: Page, options?: SecondTabCancelOptions): Promise<DurableVerdict>;
  /** The page's session so far: connections, reassembled messages, timing. */
  capture(page: Page): Promise<DurableCapture>;
  /** Arms a fault in the page. */
  fault(page: Page, fault: FaultInput): Promise<ArmedFault>;
  /**
   * Starts watching a page you opened yourself: call it before the page loads your app (it
   * briefly shows a local marker page to learn the page's tab). The test's `page` is watched
   * already.
   */
  watch(page: Page): Promise<void>;
}

/** When the fixture attaches its trace and report to the test: like Playwright's own `trace` option. */
export type DurableTraceMode = 'on' | 'off' | 'retain-on-failure';

export interface DurableBrowserOptions {
  /** A Chromium or Chrome binary; default: `CHROMIUM_PATH`, then Playwright's own Chromium when installed, then /usr/bin/chromium. */
  executablePath?: string;
  /** More Chromium flags. */
  args?: string[];
}

/** The test-scoped fixtures and options `test` adds. */
export interface DurableTestFixtures {
  durable: Durable;
  /** Default 'retain-on-failure': the trace and report are attached when the test did not end as expected. */
  durableTrace: DurableTraceMode;
}

/** The worker-scoped options `test` adds. */
export interface DurableWorkerFixtures {
  durableBrowser: DurableBrowserOptions;
}

export type DurableMatchers = {
  /** Passes when the verdict is PASS; the failure message carries the reason, evidence and advice. */
  toPass(this: unknown, received: DurableVerdict): { pass: boolean; message: () => string };
  /** Passes when the verdict is `verdict` and, if given, its reason contains the string or matches the pattern. */
  toHaveVerdict(this: unknown, received: DurableVerdict, verdict: DurableVerdict['verdict'], reason?: string | RegExp): { pass: boolean; message: () => string };
};

/** The test-scoped options, for `defineConfig<DurableTestOptions, DurableWorkerFixtures>`. */
export type DurableTestOptions = Pick<DurableTestFixtures, 'durableTrace'>;
