/**
 * The validation test running against each tab (one at a time per tab), its cancellation, and
 * the stop presses a driver reports while a second-tab-cancel test waits for them.
 */
import type { TestId } from '../core/analysis/types';
import type { TestRunRecord } from '../core/trace/session';
import type { StopPress } from '../protocol/panel';

export interface TestRuns {
  /** Runs `run` as the tab's test; rejects at once when one is already running there. */
  start(tabId: number, test: TestId, run: (control: RunControl) => Promise<TestRunRecord>): Promise<TestRunRecord>;
  cancel(tabId: number): void;
  /** A driver's report of its stop press, for the tab's running test. */
  stopPressed(tabId: number, stop: StopPress): void;
  running(): number;
}

export interface RunControl {
  runId: string;
  aborted(): boolean;
  /** Resolves with the driver's report, or "not found" after `timeoutMs`. */
  stopReported(timeoutMs: number): Promise<StopPress>;
}

export function createTestRuns(newId: () => string): TestRuns {
  const runs = new Map<number, { cancelled: boolean }>();
  const stopReports = new Map<number, (stop: StopPress) => void>();
  return {
    async start(tabId, test, run) {
      if (runs.has(tabId)) throw new Error(`a test is already running in tab ${tabId}; cancel it or wait for its verdict before starting ${test}`);
      const state = { cancelled: false };
      runs.set(tabId, state);
      try {
        return await run({
          runId: newId(),
          aborted: () => state.cancelled,
          stopReported: (timeoutMs) =>
            new Promise((resolve) => {
              const timer = setTimeout(() => {
                stopReports.delete(tabId);
                resolve({ found: false, enabled: false, label: '' });
              }, timeoutMs);
              stopReports.set(tabId, (stop) => {
                clearTimeout(timer);
                stopReports.delete(tabId);
                resolve(stop);
              });
            }),
        });
      } finally {
        runs.delete(tabId);
      }
    },
    cancel(tabId) {
      const run = runs.get(tabId);
      if (run) run.cancelled = true;
    },
    stopPressed(tabId, stop) {
      stopReports.get(tabId)?.(stop);
    },
    running: () => runs.size,
  };
}
