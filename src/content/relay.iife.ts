/**
 * The relay: ISOLATED-world content script between the page hook and the background. It
 * forwards capture data only, after rebuilding every record from known fields (the page can
 * post anything on the hook's channel), and passes commands from the extension to the hook.
 */
import { HOOK_TO_RELAY_EVENT, LIMITS, RELAY_PORT, RELAY_TO_HOOK_EVENT, isBackgroundToRelay, isHookCaptureBatch, message, type BackgroundToRelay, type CommandToHook, type HookSetRecording, type RelayCaptureMessage, type RelayHelloMessage, type RelayToBackground, type RelayViewMessage } from '../messages';
import { sanitizeRecord, type CaptureRecord } from '../core/trace/records';
import { createReconnectingPort } from '../adapters/port';
import { createHookIdentity } from './hook-identity';
import { createBatches } from './batches';
import { createViewObserver } from './view-observer';

declare const cloneInto: undefined | ((obj: unknown, target: unknown) => unknown);

const docId = crypto.randomUUID();
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
function forThisDocument(cmd: CommandToHook): CommandToHook | null {
  if (cmd.type !== 'arm-fault' || cmd.fault.scope.kind !== 'connection') return cmd;
  const prefix = `${docId}:`;
  const id = cmd.fault.scope.connectionId;
  if (!id.startsWith(prefix)) return null;
  return { ...cmd, fault: { ...cmd.fault, scope: { kind: 'connection', connectionId: id.slice(prefix.length) } } };
}

const identity = createHookIdentity();
// What the page shows, sampled only while the tab records (see view-observer).
const view = createViewObserver((samples) => {
  if (recording) port.post(message<RelayViewMessage>({ type: 'view', samples }));
});
const batches = createBatches();
/**
 * After each (re)connect the background answers the hello with the last batch it has; until
 * then new batches only go to the buffer, so they cannot overtake the ones it must re-send.
 */
let awaitingResend = true;
let resendTimer: ReturnType<typeof setTimeout> | null = null;
let lastPosted = 0;

function postAfter(seq: number): void {
  for (const b of batches.after(seq)) {
    port.post(message<RelayCaptureMessage>({ type: 'capture', seq: b.seq, records: b.records }));
    lastPosted = b.seq;
  }
}

function toHook(cmd: CommandToHook): void {
  // Firefox hands page scripts only objects cloned into the page's compartment.
  const detail = typeof cloneInto === 'function' ? cloneInto(cmd, window) : cmd;
  window.dispatchEvent(new CustomEvent(RELAY_TO_HOOK_EVENT, { detail }));
}

const port = createReconnectingPort<BackgroundToRelay, RelayToBackground>({
  name: RELAY_PORT,
  isIncoming: isBackgroundToRelay,
  onMessage(received) {
    if (received.type === 'resend') {
      awaitingResend = false;
      if (resendTimer) clearTimeout(resendTimer);
      postAfter(received.after);
      return;
    }
    const cmd = forThisDocument(received);
    if (!cmd) return;
    if (cmd.type === 'set-recording') {
      recording = cmd.recording;
      if (recording) view.start();
      else view.stop();
    }
    toHook(cmd);
  },
  onConnect(first) {
    awaitingResend = true;
    // A background that never answers must not hold capture back for good.
    if (resendTimer) clearTimeout(resendTimer);
    resendTimer = setTimeout(() => {
      if (!awaitingResend) return;
      awaitingResend = false;
      postAfter(lastPosted);
    }, 3000);
    port.post(message<RelayHelloMessage>({ type: 'hello', url: location.href, docId, firstConnect: first, nextSeq: batches.next() }));
  },
  // The extension was reloaded or removed: this page's hook must stop capturing for nobody.
  onGone() {
    recording = false;
    view.stop();
    toHook(message<HookSetRecording>({ type: 'set-recording', recording: false }));
  },
});

window.addEventListener(HOOK_TO_RELAY_EVENT, (e) => {
  if (!recording) return;
  const batch: unknown = (e as CustomEvent<unknown>).detail;
  if (!isHookCaptureBatch(batch)) return;
  const records: CaptureRecord[] = [];
  for (const raw of batch.records.slice(0, LIMITS.recordsPerBatch)) {
    const r = sanitizeRecord(raw, LIMITS);
    if (r) records.push(r);
  }
  const checked = identity.check(batch.hook, records);
  if (checked.length === 0) return;
  const b = batches.add(checked);
  // Reconnect first if the port dropped (worker restart): that starts a new wait for `resend`.
  port.connect();
  if (awaitingResend) return;
  port.post(message<RelayCaptureMessage>({ type: 'capture', seq: b.seq, records: b.records }));
  lastPosted = b.seq;
});

// Connect at once so the background knows about this document (and a navigation) before any
// capture arrives, and can send commands to the hook.
port.connect();
