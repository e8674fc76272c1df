/**
 * The panel's newer state, in small factories beside the view stores of `store.ts`: capture
 * state, the session picker, armed faults, running tests, export/import and the findings.
 * All are fed by `applyMessage` or by user actions; none touches the DOM.
 */
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import { analyzeWithView, passiveFlags, trapSummary, type Flag, type TestId, type TrapSummary, type Verdict } from '../src/core/analysis';
import type { ArmedFault, DeepCaptureState } from '../src/protocol/panel';
import type { InternalErrorReport } from '../src/protocol/internal-errors';
import type { SessionInfo } from '../src/core/trace/session';
import { DEFAULT_FAULT_FORM, type FaultForm } from './logic/faultForm';
import { DEFAULT_TEST_FORM, latestRuns, type TestOptionsForm } from './logic/findings';
import type { CaptureState } from './logic/notices';
import { lastTimeOf, type TabData } from './source';

export function createCaptureStateStore() {
  return {
    state: signal<CaptureState | null>(null),
    /** True until the tab navigates with the panel open: until then the page loaded with its hooks dormant. */
    loadedBeforePanel: signal(true),
    /** Other tabs of the same session (shared conversation/run ids): the second surfaces. */
    linkedTabs: signal<Array<{ tabId: number; ids: string[] }>>([]),
    /** Our own code's failures, in the tab's hooks and in the background. */
    internalErrors: signal<InternalErrorReport[]>([]),
    /** Deep capture of the tab's workers: whether it can run, is on, why it went off. */
    deep: signal<DeepCaptureState | null>(null),
    /** The last request the background refused or never answered. */
    requestError: signal<string | null>(null),
  };
}

export function createSessionsStore() {
  return {
    /** The background's list, null until asked. */
    list: signal<SessionInfo[] | null>(null),
    open: signal(false),
    /** The live tab's session id, from the last snapshot or reset. */
    liveId: signal<string | null>(null),
    /** The session being loaded (its row shows it). */
    loading: signal<string | null>(null),
  };
}

export type { ArmedFault };

export function createFaultsStore() {
  return {
    armed: signal<ArmedFault[]>([]),
    form: signal<FaultForm>(DEFAULT_FAULT_FORM),
    error: signal<string | null>(null),
  };
}

export interface TestProgress {
  runId: string | null;
  test: TestId;
  step: string;
  elapsedMs: number;
}

export function createTestsStore() {
  return {
    /** The run in progress: set when the user starts one, updated by test-progress. */
    running: signal<TestProgress | null>(null),
    form: signal<TestOptionsForm>(DEFAULT_TEST_FORM),
    error: signal<string | null>(null),
  };
}

export type ImportState = { kind: 'idle' } | { kind: 'reading'; name: string; bytes: number; total: number } | { kind: 'error'; name: string; message: string };

export function createExchangeStore() {
  return {
    exportOpen: signal(false),
    importState: signal<ImportState>({ kind: 'idle' }),
  };
}

export type MainView = 'connections' | 'findings';

/** How long flags may lag a growing live capture: re-analyzing every batch would be quadratic. */
export const FINDINGS_DELAY_MS = 600;

export interface FindingsStore {
  flags: ReadonlySignal<Flag[]>;
  verdicts: ReadonlySignal<Verdict[]>;
  summary: ReadonlySignal<TrapSummary>;
  /** Recompute soon (live batches) or now (a new source, a test result). */
  invalidate(now?: boolean): void;
}

type Schedule = (fn: () => void) => void;
const deferred: Schedule = (fn) => setTimeout(fn, FINDINGS_DELAY_MS);

/** A counter bumped now, or once per deferral however often it is asked to. */
function createTick(schedule: Schedule) {
  const tick = signal(0);
  let pending = false;
  return {
    tick,
    invalidate(now = false) {
      if (now) {
        tick.value += 1;
        return;
      }
      if (pending) return;
      pending = true;
      schedule(() => {
        pending = false;
        tick.value += 1;
      });
    },
  };
}

/**
 * Flags and verdicts of what is shown, computed by the core (`passiveFlags`, `trapSummary`) —
 * the same functions the background and an imported trace use. `read` returns the shown data
 * and whether it is live (then "now" bounds open streams; otherwise the capture's last instant).
 */
export function createFindingsStore(read: () => { data: TabData; live: boolean }, schedule: Schedule = deferred): FindingsStore {
  const { tick, invalidate } = createTick(schedule);
  /** The flags, or why they could not be computed: a check that throws found nothing, which is not "no flags". */
  const checked = computed<{ flags: Flag[]; failure: string | null }>(() => {
    void tick.value;
    const { data, live } = read();
    try {
      // With what the page showed: a stream whose answer rides in an app's own field counts.
      return { flags: passiveFlags(analyzeWithView([...data.capture.values()], data.view), live ? Date.now() : lastTimeOf(data)), failure: null };
    } catch (error) {
      console.error('durable-sessions: the flag checks failed', error);
      return { flags: [], failure: `the inspector's flag checks failed (${error instanceof Error ? error.message : String(error)})` };
    }
  });
  const flags = computed(() => checked.value.flags);
  const verdicts = computed(() => {
    void tick.value;
    return latestRuns(read().data.testRuns).map((r) => r.verdict);
  });
  return {
    flags,
    verdicts,
    summary: computed(() => trapSummary(flags.value, verdicts.value, checked.value.failure ? [checked.value.failure] : [])),
    invalidate,
  };
}

/**
 * Which page samples the answers are read with. The page re-renders every ~150 ms while it
 * streams, and each new sample means matching every field of a connection against the page
 * again: `version` moves once per deferral (as findings do), not per sample.
 */
export function createViewStore(schedule: Schedule = deferred) {
  const { tick, invalidate } = createTick(schedule);
  return { version: tick as ReadonlySignal<number>, invalidate };
}

/** The answer field the user picked per connection id (panel state, not persisted); absent: automatic. */
export function createAnswerFieldStore() {
  return { picks: signal<ReadonlyMap<string, string>>(new Map()) };
}
