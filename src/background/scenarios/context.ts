/**
 * What a validation test needs from the browser, as an interface: the background implements it
 * with the tabs API, the relays of the tabs' pages and the capture service; unit tests implement it in memory.
 * Tests themselves only orchestrate and call the core's verdict rules.
 */
import type { FaultSpec } from '../../core/faults/spec';
import type { AnalyzedConnection, TestId } from '../../core/analysis';
import type { RunTestOptions, StopPress } from '../../protocol/panel';
import type { CaptureService } from '../capture';
import type { ViewSample } from '../../core/view/sample';

/** What pressing the stop control in a tab did (the driver reports the same shape). */
export type StopControl = StopPress;

/** What a scenario gets from the background: capture, fault routing, and its run's controls. */
export interface ScenarioDeps {
  capture: CaptureService;
  armFault(tabId: number, fault: FaultSpec): void;
  disarmFault(tabId: number, faultId: string): void;
  /** Tabs a test opened: they record from their first request, with no panel attached. */
  testTabs: Set<number>;
  onProgress(step: string): void;
  aborted(): boolean;
  /** Finds the stop control in a tab's top document and presses it when enabled (its relay does). */
  pressStop(tabId: number, selector: string | null, press: boolean): Promise<StopControl>;
  /** The URL the tab's top document shows now, as its relay reads it. */
  tabUrl(tabId: number): Promise<string>;
  /** Resolves when the driver reports its stop press for this test's tab. */
  stopReported(timeoutMs: number): Promise<StopControl>;
}

/** The options of a test run, as the panel or the check runner gives them (all filled in). */
export type TestOptions = RunTestOptions;

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
  /** Tab's connections right now, analyzed (with what its page showed). */
  connections(tabId: number): Promise<AnalyzedConnection[]>;
  /** What the tab's page showed so far. */
  view(tabId: number): Promise<ViewSample[]>;
  armFault(tabId: number, fault: FaultSpec): void;
  disarmFault(tabId: number, faultId: string): void;
  /** Opens a second tab (recorded from its first request on) and resolves once it loaded. */
  openTab(url: string): Promise<number>;
  closeTab(tabId: number): Promise<void>;
  tabUrl(tabId: number): Promise<string | null>;
  /** Finds the stop control in a tab and presses it when enabled (or only looks, `press` false). */
  pressStop(tabId: number, selector: string | null, press?: boolean): Promise<StopControl>;
  /** Waits until the driver reports it pressed stop in the second tab (externalStop). */
  externalStop(timeoutMs: number): Promise<StopControl>;
  progress(step: string): void;
  /** Set when the user cancelled the run. */
  aborted(): boolean;
  newId(): string;
  test: TestId;
}
