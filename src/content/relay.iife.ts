/**
 * The relay: ISOLATED-world content script between the page hook and the background. It
 * forwards capture data only, after rebuilding every record from known fields (the hook runs in
 * the page's world, so its data is not trusted blindly), and passes commands from the extension
 * to the hook. Both directions go over the hook's private port, which the page cannot reach.
 * It also carries out the two commands a test sends a tab it opened (find and press the stop
 * control, say the document's URL): the extension needs no host permission or injection for them.
 */
import { LIMITS, RELAY_PORT, RELAY_REPLIES, hookCommands, hookToRelay, relaySide, relayToBackground, type BackgroundToRelay, type HookCommand, type RelayToBackground } from '../protocol/page';
import { createRouter, type Handlers } from '../protocol/kit';
import { sanitizeInternalErrors } from '../protocol/internal-errors';
import { sanitizeBatch } from '../core/trace/frame-columns';
import { parseConnectionId } from '../core/trace/connection-id';
import { createReconnectingPort } from '../protocol/adapters/reconnecting-port';
import { acceptHookPort } from '../protocol/adapters/hook-port';
import { createHookIdentity } from './hook-identity';
import { createBatches, type Batch } from './batches';
import { createViewObserver } from './view-observer';
import { findAndPressStop } from './stop-control';

// First of all: take the hook's private port before any page script can listen (hook-port.ts).
const hook = acceptHookPort(window);

/**
 * A random UUID. Not `crypto.randomUUID()`: it exists only in secure contexts, and a data: URL
 * or sandboxed frame (an opaque origin, which the relay also runs in) is never one, so the
 * relay would stop right here and that frame's streams would go nowhere.
 */
function randomDocId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const docId = randomDocId();
/**
 * What the extension last told this document (the view samples follow it). Until it answers,
 * the hook buffers on its own side. The hook's batches are carried whatever it says: they come
 * over the hook's private port, which no page can post on, and a batch the hook posted just
 * before it heard it should stop must not be lost on the way.
 */
let recording = false;

/**
 * The background names connections as the panel does, `<docId>:<hook id>`. A fault aimed at
 * one connection reaches the hook of that document only, with the hook's own id.
 */
function forThisDocument(cmd: HookCommand): HookCommand | null {
  if (cmd.type === 'ws-control') {
    const id = parseConnectionId(cmd.conn);
    return id?.docId === docId ? { ...cmd, conn: id.conn } : null;
  }
  if (cmd.type !== 'arm-fault' || cmd.fault.scope.kind !== 'connection') return cmd;
  const id = parseConnectionId(cmd.fault.scope.connectionId);
  if (id?.docId !== docId) return null;
  return { ...cmd, fault: { ...cmd.fault, scope: { ...cmd.fault.scope, connectionId: id.conn } } };
}

const identity = createHookIdentity();
// What the page shows, sampled only while the tab records (see view-observer).
const view = createViewObserver((samples) => {
  if (recording) port.post(relayToBackground.make('view', { samples }));
});
const batches = createBatches();
/**
 * After each (re)connect the background answers the hello with the last batch it has; until
 * then new batches only go to the buffer, so they cannot overtake the ones it must re-send.
 */
let awaitingResend = true;
let resendTimer: ReturnType<typeof setTimeout> | null = null;
let lastPosted = 0;
/** Answers to `flush` held until the batches buffered behind a pending `resend` are posted. */
let afterResend: Array<() => void> = [];

/**
 * `flush` requests waiting for their hook's answer, by token. A hook that never answers (none
 * runs in this frame, or it failed) must not hold the background's flush: it is answered anyway.
 */
const flushes = new Map<number, () => void>();
let flushToken = 0;
const HOOK_FLUSH_WAIT_MS = 2000;

/** Whether a hook handed its port over: a frame without one (no hook ran there) holds nothing. */
let hookPresent = false;
hook.onConnect(() => (hookPresent = true));

function flushHook(): Promise<Record<never, never>> {
  if (!hookPresent) return Promise.resolve({});
  return new Promise((resolve) => {
    const token = ++flushToken;
    const timer = setTimeout(() => {
      flushes.delete(token);
      resolve({});
    }, HOOK_FLUSH_WAIT_MS);
    flushes.set(token, () => {
      clearTimeout(timer);
      flushes.delete(token);
      // A batch held for a pending resend goes out before the answer that says it was sent.
      if (awaitingResend) afterResend.push(() => resolve({}));
      else resolve({});
    });
    hook.post(hookCommands.make('flush', { token }));
  });
}

function postBatch(b: Batch): void {
  port.post(relayToBackground.make('capture', { seq: b.seq, records: b.records, ...(b.frames ? { frames: b.frames } : {}), ...(b.errors.length > 0 ? { errors: b.errors } : {}) }));
  lastPosted = b.seq;
}

function postAfter(seq: number): void {
  for (const b of batches.after(seq)) {
    postBatch(b);
  }
  const answers = afterResend;
  afterResend = [];
  for (const answer of answers) answer();
}

const port = createReconnectingPort({
  name: RELAY_PORT,
  // The extension was reloaded or removed: this page's hook must stop capturing for nobody.
  onGone() {
    recording = false;
    view.stop();
    hook.post(hookCommands.make('set-recording', { recording: false }));
  },
});

/** Passes a command on to this document's hook. */
function toHook(received: HookCommand): void {
  const cmd = forThisDocument(received);
  if (cmd) hook.post(cmd);
}

/** A test's command names the document it means: another one (a navigation raced it) is refused. */
function mine(m: { docId: string }, what: string): void {
  if (m.docId !== docId) throw new Error(`${what} was meant for another document of this tab`);
  if (window.top !== window) throw new Error(`${what} is only carried out by a tab's top document`);
}

/**
 * Only the background reaches these handlers: the extension's port is the one way in. The hook's
 * port is read only for capture batches, and nothing listens on window for commands, so a page
 * cannot make this relay press anything.
 */
const handlers: Handlers<BackgroundToRelay, RelayToBackground, typeof RELAY_REPLIES, null> = {
  resend(m) {
    awaitingResend = false;
    if (resendTimer) clearTimeout(resendTimer);
    postAfter(m.after);
  },
  'set-recording'(m) {
    recording = m.recording;
    if (recording) view.start();
    else view.stop();
    toHook(m);
  },
  'arm-fault': toHook,
  'disarm-fault': toHook,
  'release-fault': toHook,
  'arm-replay': toHook,
  'ws-control': toHook,
  'press-stop'(m) {
    mine(m, 'press-stop');
    return findAndPressStop(m.selector, m.press);
  },
  'get-location'(m) {
    mine(m, 'get-location');
    return { url: location.href };
  },
  flush: flushHook,
};
// A failed command is answered with an error (the background reports it) and logged here.
const router = createRouter(relaySide, handlers, (type, error) => console.error(`durable-sessions: the relay could not carry out ${type}`, error));
port.onMessage((raw) => void router.handle(raw, null, (reply) => port.post(reply)));

port.onConnect((first) => {
  awaitingResend = true;
  // A background that never answers must not hold capture back for good.
  if (resendTimer) clearTimeout(resendTimer);
  resendTimer = setTimeout(() => {
    if (!awaitingResend) return;
    awaitingResend = false;
    postAfter(lastPosted);
  }, 3000);
  port.post(relayToBackground.make('hello', { url: location.href, docId, firstConnect: first, nextSeq: batches.next() }));
});

hook.onMessage((raw) => {
  const batch = hookToRelay.parse(raw);
  if (!batch) return;
  const { records, frames } = sanitizeBatch(batch.records, batch.frames, LIMITS);
  const checked = identity.checkBatch(batch.hook, records, frames);
  // Our hook's failures ride along with its records (and only a pinned hook's are kept).
  const pinned = identity.pinned(batch.hook);
  const errors = pinned ? sanitizeInternalErrors(batch.errors) : [];
  const kept = checked.frames && checked.frames.conn.length > 0 ? checked.frames : null;
  if (checked.records.length > 0 || kept || errors.length > 0) {
    const b = batches.add(checked.records, kept, errors);
    // Reconnect first if the port dropped (worker restart): that starts a new wait for `resend`.
    port.connect();
    if (!awaitingResend) postBatch(b);
  }
  // Only the pinned hook answers a flush: another script's batch says nothing of what ours holds.
  if (batch.flushed !== undefined && pinned) flushes.get(batch.flushed)?.();
});

// Connect at once so the background knows about this document (and a navigation) before any
// capture arrives, and can send commands to the hook.
port.connect();
