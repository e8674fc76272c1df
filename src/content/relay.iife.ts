/**
 * The relay: ISOLATED-world content script between the page hook and the background. It
 * forwards capture data only, after rebuilding every record from known fields (the hook runs in
 * the page's world, so its data is not trusted blindly), and passes commands from the extension
 * to the hook. Both directions go over the hook's private port, which the page cannot reach.
 */
import { LIMITS, RELAY_PORT, backgroundToRelay, hookCommands, hookToRelay, isHookCommand, relayToBackground, type HookCommand } from '../protocol/page';
import { sanitizeInternalErrors } from '../protocol/internal-errors';
import { sanitizeRecord, type CaptureRecord } from '../core/trace/records';
import { parseConnectionId } from '../core/trace/connection-id';
import { createReconnectingPort } from '../protocol/adapters/reconnecting-port';
import { acceptHookPort } from '../protocol/adapters/hook-port';
import { createHookIdentity } from './hook-identity';
import { createBatches, type Batch } from './batches';
import { createViewObserver } from './view-observer';

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
 * What the extension last told this document. Until it answers, the hook buffers on its own
 * side; captures that arrive while the tab is not recording (e.g. forged by the page) are
 * dropped here instead of being carried to the background.
 */
let recording = false;

/**
 * The background names connections as the panel does, `<docId>:<hook id>`. A fault aimed at
 * one connection reaches the hook of that document only, with the hook's own id.
 */
function forThisDocument(cmd: HookCommand): HookCommand | null {
  if (cmd.type !== 'arm-fault' || cmd.fault.scope.kind !== 'connection') return cmd;
  const id = parseConnectionId(cmd.fault.scope.connectionId);
  if (id?.docId !== docId) return null;
  return { ...cmd, fault: { ...cmd.fault, scope: { kind: 'connection', connectionId: id.conn } } };
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

function postBatch(b: Batch): void {
  port.post(relayToBackground.make('capture', { seq: b.seq, records: b.records, ...(b.errors.length > 0 ? { errors: b.errors } : {}) }));
  lastPosted = b.seq;
}

function postAfter(seq: number): void {
  for (const b of batches.after(seq)) {
    postBatch(b);
  }
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

port.onMessage((raw) => {
  const received = backgroundToRelay.parse(raw);
  if (!received) return;
  if (received.type === 'resend') {
    awaitingResend = false;
    if (resendTimer) clearTimeout(resendTimer);
    postAfter(received.after);
    return;
  }
  if (!isHookCommand(received)) return;
  const cmd = forThisDocument(received);
  if (!cmd) return;
  if (cmd.type === 'set-recording') {
    recording = cmd.recording;
    if (recording) view.start();
    else view.stop();
  }
  hook.post(cmd);
});

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
  if (!recording) return;
  const batch = hookToRelay.parse(raw);
  if (!batch) return;
  const records: CaptureRecord[] = [];
  for (const raw of batch.records.slice(0, LIMITS.recordsPerBatch)) {
    const r = sanitizeRecord(raw, LIMITS);
    if (r) records.push(r);
  }
  const checked = identity.check(batch.hook, records);
  // Our hook's failures ride along with its records (and only a pinned hook's are kept).
  const errors = identity.pinned(batch.hook) ? sanitizeInternalErrors(batch.errors) : [];
  if (checked.length === 0 && errors.length === 0) return;
  const b = batches.add(checked, errors);
  // Reconnect first if the port dropped (worker restart): that starts a new wait for `resend`.
  port.connect();
  if (awaitingResend) return;
  postBatch(b);
});

// Connect at once so the background knows about this document (and a navigation) before any
// capture arrives, and can send commands to the hook.
port.connect();
