/**
 * The boundaries inside a captured page and from it to the background:
 *
 *   hook (MAIN world, untrusted page) ──capture──▶ relay (ISOLATED) ──▶ background
 *   hook ◀──command── relay ◀── background
 *
 * The hook runs in the page's world, so what it sends is still rebuilt field by field by the
 * relay (`sanitizeRecord`), and the background takes the tab from the port's sender, never from
 * a message. The page itself cannot reach the hook ⇄ relay channel (see HANDOVER_KEY).
 */
import type { CaptureRecord } from '../core/trace/records';
import { isFrameColumns, type FrameColumns } from '../core/trace/frame-columns';
import type { ViewObservation } from '../core/view/sample';
import type { FaultSpec } from '../core/faults/spec';
import type { AnyRecording } from '../core/replay/any';
import { direction, parseErrorReply, type ErrorReply, type MessageOf, type Parsers } from './kit';
import { faultIdOf, faultOf, releaseOf, replayOf, stopFoundOf, type StopPress } from './panel';
import type { InternalErrorReport } from './internal-errors';
import { wsControlOf, type WsAction } from './ws-control';

/**
 * The hook and the relay talk over a private MessageChannel (src/hook/channel.ts): the hook
 * hands its second port over in one `message` event at document_start, marked with this key,
 * which the relay takes and stops before any page listener exists to see it.
 */
export const HANDOVER_KEY = '__durable_sessions_port';

/** Port name for runtime.connect. */
export const RELAY_PORT = 'dsi-relay';

/** Hard limits the relay enforces on what a page may post (hostile pages post anything). */
export const LIMITS = {
  recordsPerBatch: 5000,
  stringBytes: 4 * 1024 * 1024,
  urlLength: 16 * 1024,
  headers: 200,
} as const;

// ── hook → relay ────────────────────────────────────────────────────────────────────────
export interface HookToRelay {
  /** `hook` is the hook's random id for this document: the relay pins the first one it sees. */
  /** `flushed`: this batch answers the relay's `flush` with that token (it may carry no records). */
  /** `frames`: the batch's data frames as columns (core/trace/frame-columns.ts), beside the other records. */
  capture: { hook: string; records: CaptureRecord[]; frames?: FrameColumns; errors?: InternalErrorReport[]; flushed?: number };
}

// ── relay/background → hook ─────────────────────────────────────────────────────────────
export interface HookCommands {
  'set-recording': { recording: boolean };
  /** Connection-scoped faults name the hook's own connection id (the relay strips its docId). */
  'arm-fault': { fault: FaultSpec };
  'disarm-fault': { faultId: string };
  'release-fault': { faultId: string; deliver: boolean };
  'arm-replay': { recording: AnyRecording; scale: number };
  /** WebSocket control on one connection (the relay strips its docId, as for a connection fault). */
  'ws-control': { conn: string; action: WsAction };
  /** Post what the queue holds now, and answer with a batch marked `flushed: token` even if empty. */
  flush: { token: number };
}

// ── relay → background ──────────────────────────────────────────────────────────────────
export interface RelayToBackground {
  hello: {
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
   * `seq` numbers the relay's batches per document, so a lost or repeated batch is noticed.
   * `frames` are its data frames as columns, merged with `records` by the background (`mergeFrames`).
   */
  capture: { seq: number; records: CaptureRecord[]; frames?: FrameColumns; errors?: InternalErrorReport[] };
  /**
   * What the page showed: text samples the relay itself took (a MutationObserver in the
   * ISOLATED world), never anything the page posted. Rebuilt by `sanitizeViewSamples`.
   */
  view: { samples: ViewObservation[] };
  /** What `press-stop` found: pressed when found, enabled and asked to press. */
  'stop-control': Omit<StopPress, 'at'>;
  location: { url: string };
  /** Answers `flush`: every batch the hook held is posted before this message. */
  flushed: Record<never, never>;
  /** A request the relay could not carry out. */
  error: ErrorReply;
}

// ── background → relay ──────────────────────────────────────────────────────────────────
export interface BackgroundToRelay extends Omit<HookCommands, 'flush'> {
  /** After a (re)connect: send again the batches after `after`, which storage does not have. */
  resend: { after: number };
  /**
   * A test asks the top document `docId` of the tab it opened to find its stop control and press
   * it (or only look, `press` false), with the user's selector or the heuristic. Only the
   * background sends it, over that document's own port: the relay takes it from nowhere else.
   */
  'press-stop': { docId: string; selector: string | null; press: boolean };
  /** The document's URL now (the app may have changed it with history.pushState since hello). */
  'get-location': { docId: string };
  /**
   * Bring what this document's hook holds to the background: answered after the batches it
   * held (the background then waits for them to be folded), so a capture taken next has all
   * the page saw up to the request.
   */
  flush: Record<never, never>;
}

/** Which relay message answers each of the background's requests. */
export const RELAY_REPLIES = {
  'press-stop': 'stop-control',
  'get-location': 'location',
  flush: 'flushed',
} as const satisfies { [K in keyof BackgroundToRelay]?: keyof RelayToBackground };

export type HookCommand = MessageOf<HookCommands>;
export type RelayMessage = MessageOf<RelayToBackground>;
export type BackgroundToRelayMessage = MessageOf<BackgroundToRelay>;

// ── parsers ──────────────────────────────────────────────────────────────────────────────

const records = (x: Record<string, unknown>): unknown[] | null => (Array.isArray(x.records) ? x.records : null);
/** Raw reports: the relay passes them to `sanitizeInternalErrors`, as records to `sanitizeRecord`. */
const errors = (x: Record<string, unknown>) => (Array.isArray(x.errors) ? { errors: x.errors as InternalErrorReport[] } : {});

const commandParsers: Parsers<HookCommands> = {
  'set-recording': (x) => (typeof x.recording === 'boolean' ? { recording: x.recording } : null),
  'arm-fault': (x) => {
    const fault = faultOf(x.fault);
    return fault ? { fault } : null;
  },
  'disarm-fault': faultIdOf,
  'release-fault': releaseOf,
  'arm-replay': replayOf,
  'ws-control': wsControlOf,
  flush: (x) => (Number.isSafeInteger(x.token) ? { token: x.token as number } : null),
};

/**
 * The hook takes commands from a DOM event the page could dispatch too, so every field is
 * checked here, once; what the handler gets is the parsed value.
 */
export const hookCommands = direction<HookCommands>(commandParsers);

/**
 * Records are rebuilt one by one by the relay (`sanitizeRecord`), frames column by column
 * (`sanitizeFrames`); here only the batch is checked.
 */
export const hookToRelay = direction<HookToRelay>({
  capture: (x) => {
    const r = records(x);
    if (typeof x.hook !== 'string' || x.hook.length > 64 || !r) return null;
    const frames = x.frames === undefined ? {} : { frames: x.frames as FrameColumns };
    return { hook: x.hook, records: r as CaptureRecord[], ...frames, ...errors(x), ...(Number.isSafeInteger(x.flushed) ? { flushed: x.flushed as number } : {}) };
  },
});

export const relayToBackground = direction<RelayToBackground>({
  hello: (x) =>
    typeof x.url === 'string' && typeof x.docId === 'string' && x.docId.length <= 64 && typeof x.firstConnect === 'boolean' && Number.isSafeInteger(x.nextSeq)
      ? { url: x.url, docId: x.docId, firstConnect: x.firstConnect, nextSeq: x.nextSeq as number }
      : null,
  capture: (x) => {
    const r = records(x);
    if (!Number.isSafeInteger(x.seq) || !r) return null;
    if (x.frames !== undefined && !(isFrameColumns(x.frames) && x.frames.at.length === r.length)) return null;
    return { seq: x.seq as number, records: r as CaptureRecord[], ...(x.frames ? { frames: x.frames } : {}), ...errors(x) };
  },
  view: (x) => (Array.isArray(x.samples) ? { samples: x.samples as ViewObservation[] } : null),
  'stop-control': stopFoundOf,
  location: (x) => (typeof x.url === 'string' && x.url.length <= LIMITS.urlLength ? { url: x.url } : null),
  flushed: () => ({}),
  error: parseErrorReply,
});

const docIdOf = (x: Record<string, unknown>) => (typeof x.docId === 'string' && x.docId.length <= 64 ? x.docId : null);

const { flush: _hookFlush, ...relayCommandParsers } = commandParsers;

export const backgroundToRelay = direction<BackgroundToRelay>({
  ...relayCommandParsers,
  flush: () => ({}),
  resend: (x) => (Number.isSafeInteger(x.after) ? { after: x.after as number } : null),
  'press-stop': (x) => {
    const docId = docIdOf(x);
    const selector = x.selector === null || (typeof x.selector === 'string' && x.selector.length <= 1000) ? x.selector : undefined;
    return docId && selector !== undefined && typeof x.press === 'boolean' ? { docId, selector, press: x.press } : null;
  },
  'get-location': (x) => {
    const docId = docIdOf(x);
    return docId ? { docId } : null;
  },
});

/** The page boundary as the background sees it: it receives the relay's messages and may ask it. */
export const backgroundRelaySide = { out: backgroundToRelay, in: relayToBackground, replies: RELAY_REPLIES };
/** The page boundary as the relay sees it. */
export const relaySide = { in: backgroundToRelay, out: relayToBackground, replies: RELAY_REPLIES };
