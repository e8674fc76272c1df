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

// ── hook → relay ────────────────────────────────────────────────────────────────────────
export interface HookCaptureBatch {
  source: typeof SOURCE;
  v: typeof PROTOCOL_VERSION;
  type: 'capture';
  records: CaptureRecord[];
}

// ── relay → background ──────────────────────────────────────────────────────────────────
export interface RelayCaptureMessage {
  source: typeof SOURCE;
  v: typeof PROTOCOL_VERSION;
  type: 'capture';
  records: CaptureRecord[];
}
export interface RelayHelloMessage {
  source: typeof SOURCE;
  v: typeof PROTOCOL_VERSION;
  type: 'hello';
  /** The document's URL as the relay sees it (used for display only, never trusted for routing). */
  url: string;
  /** Random id the relay picks per document; stable across port reconnects (worker restarts, bfcache). */
  docId: string;
  /** False when the relay reconnects after losing its port: the document is not new. */
  firstConnect: boolean;
}
export type RelayToBackground = RelayCaptureMessage | RelayHelloMessage;

// ── panel → background ──────────────────────────────────────────────────────────────────
export interface PanelSubscribe {
  source: typeof SOURCE;
  v: typeof PROTOCOL_VERSION;
  type: 'subscribe';
  tabId: number;
}
export interface PanelClear {
  source: typeof SOURCE;
  v: typeof PROTOCOL_VERSION;
  type: 'clear';
  tabId: number;
}
export type PanelToBackground = PanelSubscribe | PanelClear;

// ── background → panel ──────────────────────────────────────────────────────────────────
export interface BackgroundSnapshot {
  source: typeof SOURCE;
  v: typeof PROTOCOL_VERSION;
  type: 'snapshot';
  tabId: number;
  snapshot: TabSnapshot;
}
/** Newly captured records of one document of the tab; the panel folds them with `applyRecord`. */
export interface BackgroundRecords {
  source: typeof SOURCE;
  v: typeof PROTOCOL_VERSION;
  type: 'records';
  tabId: number;
  docId: string;
  records: CaptureRecord[];
}
export interface BackgroundTabReset {
  source: typeof SOURCE;
  v: typeof PROTOCOL_VERSION;
  type: 'reset';
  tabId: number;
  reason: 'navigated' | 'cleared';
}
export type BackgroundToPanel = BackgroundSnapshot | BackgroundRecords | BackgroundTabReset;

// ── background/relay → hook (commands) ──────────────────────────────────────────────────
export interface HookSetRecording {
  source: typeof SOURCE;
  v: typeof PROTOCOL_VERSION;
  type: 'set-recording';
  recording: boolean;
}
export type CommandToHook = HookSetRecording;

// ── construction and guards ─────────────────────────────────────────────────────────────
type Body<M> = M extends unknown ? Omit<M, 'source' | 'v'> : never;

export function message<M extends { source: typeof SOURCE; v: typeof PROTOCOL_VERSION }>(body: Body<M>): M {
  return { source: SOURCE, v: PROTOCOL_VERSION, ...body } as unknown as M;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isOurs(x: unknown): x is Record<string, unknown> & { type: unknown } {
  return isRecord(x) && x.source === SOURCE && x.v === PROTOCOL_VERSION;
}

export function isHookCaptureBatch(x: unknown): x is HookCaptureBatch {
  return isOurs(x) && x.type === 'capture' && Array.isArray(x.records);
}

export function isRelayToBackground(x: unknown): x is RelayToBackground {
  if (!isOurs(x)) return false;
  if (x.type === 'capture') return Array.isArray(x.records);
  if (x.type === 'hello') return typeof x.url === 'string' && typeof x.docId === 'string' && typeof x.firstConnect === 'boolean';
  return false;
}

export function isPanelToBackground(x: unknown): x is PanelToBackground {
  if (!isOurs(x)) return false;
  return (x.type === 'subscribe' || x.type === 'clear') && Number.isInteger(x.tabId);
}

export function isBackgroundToPanel(x: unknown): x is BackgroundToPanel {
  if (!isOurs(x) || !Number.isInteger(x.tabId)) return false;
  return x.type === 'snapshot' || x.type === 'records' || x.type === 'reset';
}

export function isCommandToHook(x: unknown): x is CommandToHook {
  return isOurs(x) && x.type === 'set-recording' && typeof x.recording === 'boolean';
}
