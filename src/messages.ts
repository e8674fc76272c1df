/**
 * The one message protocol between the pieces of the extension.
 *
 *   hook (MAIN world, untrusted page) ──capture──▶ relay (ISOLATED) ──▶ background ──▶ panel
 *   hook ◀──command── relay ◀── background ◀── panel
 *
 * Every message that crosses a boundary is defined here, carries `source` and `v`, and is
 * checked by an `is…` guard at the hop where it enters. Bump PROTOCOL_VERSION on any
 * backwards-incompatible change: a stale hook in an open page then goes quiet instead of
 * feeding the new background data it would misread.
 */
import type { CaptureRecord } from './core/trace/records';
import type { TabSnapshot } from './core/trace/model';
import type { SessionInfo, StorageStatus, TestRunRecord } from './core/trace/session';
import type { TestId } from './core/analysis/types';
import type { ViewObservation, ViewSample } from './core/view/sample';
import { parseFaultSpec, type FaultSpec } from './core/faults/spec';
import { parseRecording, type ReplayRecording } from './core/replay/recording';
import type { InternalErrorReport } from './protocol/internal-errors';

export const PROTOCOL_VERSION = 1;
export const SOURCE = 'durable-sessions-inspector';

/**
 * DOM event types between the MAIN-world hook and the ISOLATED-world relay. CustomEvents on
 * `window` with these exact types: unlike `window.postMessage`, the page's own `message`
 * listeners never see them, so the app's observable behaviour does not change.
 */
export const HOOK_TO_RELAY_EVENT = '__durable_sessions_capture';
export const RELAY_TO_HOOK_EVENT = '__durable_sessions_command';

/** Port names for runtime.connect. */
export const RELAY_PORT = 'dsi-relay';
export const PANEL_PORT = 'dsi-panel';

/** Hard limits the relay enforces on what a page may post (hostile pages post anything). */
export const LIMITS = {
  recordsPerBatch: 5000,
  stringBytes: 4 * 1024 * 1024,
  urlLength: 16 * 1024,
  headers: 200,
} as const;

interface Envelope {
  source: typeof SOURCE;
  v: typeof PROTOCOL_VERSION;
}

// ── hook → relay ────────────────────────────────────────────────────────────────────────
/** `hook` is the hook's random id for this document: the relay pins the first one it sees. */
export type HookCaptureBatch = Envelope & {
  type: 'capture';
  hook: string;
  records: CaptureRecord[];
  /** The hook's own failures since its last batch, counts not yet sent (untrusted: sanitizeInternalErrors). */
  errors?: InternalErrorReport[];
};

// ── relay → background ──────────────────────────────────────────────────────────────────
/** `seq` numbers the relay's batches per document, so a lost or repeated batch is noticed. */
export type RelayCaptureMessage = Envelope & { type: 'capture'; seq: number; records: CaptureRecord[] };
export type RelayHelloMessage = Envelope & {
  type: 'hello';
  /** The document's URL as the relay sees it (display only: routing uses the port's sender). */
  url: string;
  /** Random id the relay picks per document; stable across port reconnects (worker restarts, bfcache). */
  docId: string;
  /** False when the relay reconnects after losing its port: the document is not new. */
  firstConnect: boolean;
  /** The seq its next batch will carry. */
  nextSeq: number;
};
/**
 * What the page showed: text samples the relay itself took (a MutationObserver in the
 * ISOLATED world), never anything the page posted. Rebuilt by `sanitizeViewSamples`.
 */
export type RelayViewMessage = Envelope & { type: 'view'; samples: ViewObservation[] };
export type RelayToBackground = RelayCaptureMessage | RelayHelloMessage | RelayViewMessage;

// ── background → relay ──────────────────────────────────────────────────────────────────
/** After a (re)connect: send again the batches after `after`, which storage does not have. */
export type RelayResend = Envelope & { type: 'resend'; after: number };

// ── panel → background ──────────────────────────────────────────────────────────────────
export type PanelSubscribe = Envelope & { type: 'subscribe'; tabId: number };
export type PanelClear = Envelope & { type: 'clear'; tabId: number };
/** Keep recording this tab's origin from page load on, even with no panel open. */
export type PanelSetRecordOnLoad = Envelope & { type: 'set-record-on-load'; tabId: number; enabled: boolean };
export type PanelListSessions = Envelope & { type: 'list-sessions'; tabId: number };
/** Opens a stored session (e.g. from before a browser restart) read-only. */
export type PanelLoadSession = Envelope & { type: 'load-session'; tabId: number; sessionId: string };
/** Arm a fault in the tab (scope 'session' reaches every tab linked to the tab's session). */
export type PanelArmFault = Envelope & { type: 'arm-fault'; tabId: number; fault: FaultSpec };
export type PanelDisarmFault = Envelope & { type: 'disarm-fault'; tabId: number; faultId: string };
/** End a stall that holds until released: deliver what was held, or drop. */
export type PanelReleaseFault = Envelope & { type: 'release-fault'; tabId: number; faultId: string; deliver: boolean };
/** Run a validation test against the tab. Options are partial; the background fills defaults. */
export type PanelRunTest = Envelope & { type: 'run-test'; tabId: number; test: TestId; options: Partial<RunTestOptions> };
export type PanelCancelTest = Envelope & { type: 'cancel-test'; tabId: number };
/**
 * Answer the app's next matching request (method + URL path) from a recording instead of the
 * network; `scale` stretches (>1) or compresses (<1) the recorded timing, 0 sends at once.
 */
export type PanelReplay = Envelope & { type: 'replay'; tabId: number; recording: ReplayRecording; scale: number };
/** The check runner's driver pressed (or could not find) the stop control in the second tab. */
export type PanelStopPressed = Envelope & { type: 'stop-pressed'; tabId: number; found: boolean; enabled: boolean; label: string };
export type PanelToBackground = PanelStopPressed | PanelSubscribe | PanelClear | PanelSetRecordOnLoad | PanelListSessions | PanelLoadSession | PanelArmFault | PanelDisarmFault | PanelReleaseFault | PanelRunTest | PanelCancelTest | PanelReplay;

export interface RunTestOptions {
  waitForGenerationMs: number;
  dropAfterEvents: number;
  timeoutMs: number;
  secondTabUrl: string | null;
  stopSelector: string | null;
  /** The check runner's driver presses stop itself, then reports it with `stop-pressed`. */
  externalStop: boolean;
}

const TEST_IDS: readonly TestId[] = ['reconnect-resume', 'multi-surface', 'second-tab-cancel'];

/** Rebuilds test options from a message: numbers bounded, URLs http(s) only. */
export function parseRunTestOptions(x: unknown): Partial<RunTestOptions> {
  if (typeof x !== 'object' || x === null) return {};
  const o = x as Record<string, unknown>;
  const out: Partial<RunTestOptions> = {};
  const num = (k: 'waitForGenerationMs' | 'dropAfterEvents' | 'timeoutMs', max: number) => {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max) out[k] = v;
  };
  num('waitForGenerationMs', 600_000);
  num('dropAfterEvents', 1e6);
  num('timeoutMs', 600_000);
  if (typeof o.secondTabUrl === 'string' && /^https?:\/\//i.test(o.secondTabUrl) && o.secondTabUrl.length < 8192) out.secondTabUrl = o.secondTabUrl;
  if (typeof o.stopSelector === 'string' && o.stopSelector.length > 0 && o.stopSelector.length < 500) out.stopSelector = o.stopSelector;
  if (o.externalStop === true) out.externalStop = true;
  return out;
}

// ── background → panel ──────────────────────────────────────────────────────────────────
export type BackgroundSnapshot = Envelope & { type: 'snapshot'; tabId: number; sessionId: string | null; snapshot: TabSnapshot };
/** Newly captured records of one document of the tab; the panel folds them with `applyRecord`. */
export type BackgroundRecords = Envelope & { type: 'records'; tabId: number; docId: string; records: CaptureRecord[] };
export type BackgroundTabReset = Envelope & { type: 'reset'; tabId: number; sessionId: string | null; reason: 'navigated' | 'cleared' };
/** Whether the tab is captured, and the health of storage: the panel shows both. */
export type BackgroundCaptureState = Envelope & {
  type: 'capture-state';
  tabId: number;
  recording: boolean;
  recordOnLoad: boolean;
  /** Origin of the tab's page, or null when it cannot be captured (e.g. chrome:// pages). */
  origin: string | null;
  storage: StorageStatus;
  /** Other tabs whose session shares a conversation/run/session id with this tab's. */
  linkedTabs: Array<{ tabId: number; ids: string[] }>;
};
export type BackgroundSessions = Envelope & { type: 'sessions'; tabId: number; sessions: SessionInfo[] };
export type BackgroundStoredSession = Envelope & { type: 'stored-session'; tabId: number; session: SessionInfo; snapshot: TabSnapshot };
export type BackgroundTestProgress = Envelope & { type: 'test-progress'; tabId: number; runId: string; test: TestId; step: string; elapsedMs: number };
export type BackgroundTestResult = Envelope & { type: 'test-result'; tabId: number; run: TestRunRecord };
/**
 * What the page showed, newly sampled (already rebuilt by `sanitizeViewSamples`, with their
 * document): the panel appends them, bounded, to the view its snapshot carried.
 */
export type BackgroundView = Envelope & { type: 'view'; tabId: number; samples: ViewSample[] };
export type BackgroundToPanel = BackgroundSnapshot | BackgroundRecords | BackgroundTabReset | BackgroundCaptureState | BackgroundSessions | BackgroundStoredSession | BackgroundTestProgress | BackgroundTestResult | BackgroundView;

// ── background/relay → hook (commands) ──────────────────────────────────────────────────
export type HookSetRecording = Envelope & { type: 'set-recording'; recording: boolean };
/** Connection-scoped faults name the hook's own connection id (the relay strips its docId). */
export type HookArmFault = Envelope & { type: 'arm-fault'; fault: FaultSpec };
export type HookDisarmFault = Envelope & { type: 'disarm-fault'; faultId: string };
export type HookReleaseFault = Envelope & { type: 'release-fault'; faultId: string; deliver: boolean };
export type HookArmReplay = Envelope & { type: 'arm-replay'; recording: ReplayRecording; scale: number };
export type CommandToHook = HookSetRecording | HookArmFault | HookDisarmFault | HookReleaseFault | HookArmReplay;

// ── construction and guards ─────────────────────────────────────────────────────────────
type Body<M> = M extends unknown ? Omit<M, 'source' | 'v'> : never;

export function message<M extends Envelope>(body: Body<M>): M {
  return { source: SOURCE, v: PROTOCOL_VERSION, ...body } as unknown as M;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The fault fields of arm/disarm/release, the same from the panel and towards the hook. */
function isFaultCommandBody(x: Record<string, unknown>): boolean {
  if (x.type === 'arm-fault') return parseFaultSpec(x.fault).ok;
  if (x.type === 'release-fault') return typeof x.faultId === 'string' && typeof x.deliver === 'boolean';
  return typeof x.faultId === 'string';
}

function isOurs(x: unknown): x is Record<string, unknown> & { type: unknown } {
  return isRecord(x) && x.source === SOURCE && x.v === PROTOCOL_VERSION;
}

export function isHookCaptureBatch(x: unknown): x is HookCaptureBatch {
  return isOurs(x) && x.type === 'capture' && typeof x.hook === 'string' && x.hook.length <= 64 && Array.isArray(x.records);
}

export function isRelayToBackground(x: unknown): x is RelayToBackground {
  if (!isOurs(x)) return false;
  if (x.type === 'capture') return Number.isSafeInteger(x.seq) && Array.isArray(x.records);
  if (x.type === 'hello') return typeof x.url === 'string' && typeof x.docId === 'string' && typeof x.firstConnect === 'boolean' && Number.isSafeInteger(x.nextSeq);
  if (x.type === 'view') return Array.isArray(x.samples);
  return false;
}

export function isPanelToBackground(x: unknown): x is PanelToBackground {
  if (!isOurs(x) || !Number.isInteger(x.tabId)) return false;
  switch (x.type) {
    case 'subscribe':
    case 'clear':
    case 'list-sessions':
      return true;
    case 'set-record-on-load':
      return typeof x.enabled === 'boolean';
    case 'load-session':
      return typeof x.sessionId === 'string';
    case 'arm-fault':
    case 'disarm-fault':
    case 'release-fault':
      return isFaultCommandBody(x);
    case 'run-test':
      return TEST_IDS.includes(x.test as TestId);
    case 'cancel-test':
      return true;
    case 'replay':
      return isReplayBody(x);
    case 'stop-pressed':
      return typeof x.found === 'boolean' && typeof x.enabled === 'boolean' && typeof x.label === 'string' && x.label.length < 200;
    default:
      return false;
  }
}

function isReplayBody(x: Record<string, unknown>): boolean {
  return typeof x.scale === 'number' && Number.isFinite(x.scale) && x.scale >= 0 && x.scale <= 100 && parseRecording(x.recording).ok;
}

const BACKGROUND_TO_PANEL = new Set(['snapshot', 'records', 'reset', 'capture-state', 'sessions', 'stored-session', 'test-progress', 'test-result', 'view']);

export function isBackgroundToPanel(x: unknown): x is BackgroundToPanel {
  if (!isOurs(x) || !Number.isInteger(x.tabId) || typeof x.type !== 'string' || !BACKGROUND_TO_PANEL.has(x.type)) return false;
  // The panel appends the samples as they are: an array or nothing.
  return x.type !== 'view' || Array.isArray(x.samples);
}

export type BackgroundToRelay = CommandToHook | RelayResend;

export function isBackgroundToRelay(x: unknown): x is BackgroundToRelay {
  return isCommandToHook(x) || (isOurs(x) && x.type === 'resend' && Number.isSafeInteger(x.after));
}

export function isCommandToHook(x: unknown): x is CommandToHook {
  if (!isOurs(x)) return false;
  switch (x.type) {
    case 'set-recording':
      return typeof x.recording === 'boolean';
    case 'arm-fault':
    case 'disarm-fault':
    case 'release-fault':
      return isFaultCommandBody(x);
    case 'arm-replay':
      return isReplayBody(x);
    default:
      return false;
  }
}
