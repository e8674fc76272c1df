/**
 * What a validation test needs from the browser, as an interface: the background implements it
 * with the tabs and scripting APIs and the capture service; unit tests implement it in memory.
 * Tests themselves only orchestrate and call the core's verdict rules.
 */
import type { FaultSpec } from '../../core/faults/spec';
import type { AnalyzedConnection, TestId } from '../../core/analysis';

export interface StopControl {
  found: boolean;
  enabled: boolean;
  label: string;
}

export interface TestOptions {
  /** How long to wait for a generation to start streaming (ms). */
  waitForGenerationMs: number;
  /** Drop once the AI stream delivered this many events. */
  dropAfterEvents: number;
  /** How long the app gets to reconnect / the second tab to show output (ms). */
  timeoutMs: number;
  /** URL of the second tab; default: tab A's current URL. */
  secondTabUrl: string | null;
  /** CSS selector of the stop control; default: found by accessible name. */
  stopSelector: string | null;
  /** Someone else (the check runner's driver) presses stop: wait for them to say so. */
  externalStop: boolean;
}

export const DEFAULT_TEST_OPTIONS: TestOptions = {
  waitForGenerationMs: 30_000,
  dropAfterEvents: 5,
  timeoutMs: 15_000,
  secondTabUrl: null,
  stopSelector: null,
  externalStop: false,
};

export interface TestContext {
  tabId: number;
  options: TestOptions;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Tab's connections right now, analyzed. */
  connections(tabId: number): Promise<AnalyzedConnection[]>;
  armFault(tabId: number, fault: FaultSpec): void;
  disarmFault(tabId: number, faultId: string): void;
  /** Opens a second tab (recorded from its first request on) and resolves once it loaded. */
  openTab(url: string): Promise<number>;
  closeTab(tabId: number): Promise<void>;
  tabUrl(tabId: number): Promise<string | null>;
  /** Finds the stop control in a tab and presses it when enabled. */
  pressStop(tabId: number, selector: string | null): Promise<StopControl>;
  /** Waits until the driver reports it pressed stop in the second tab (externalStop). */
  externalStop(timeoutMs: number): Promise<StopControl>;
  progress(step: string): void;
  /** Set when the user cancelled the run. */
  aborted(): boolean;
  newId(): string;
  test: TestId;
}
