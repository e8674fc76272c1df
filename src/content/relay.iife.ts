/**
 * The relay: ISOLATED-world content script between the page hook and the background. It
 * forwards capture data only, after rebuilding every record from known fields (the page can
 * post anything on the hook's channel), and passes commands from the extension to the hook.
 */
import { HOOK_TO_RELAY_EVENT, LIMITS, RELAY_PORT, RELAY_TO_HOOK_EVENT, isCommandToHook, isHookCaptureBatch, message, type CommandToHook, type RelayCaptureMessage, type RelayHelloMessage, type RelayToBackground } from '../messages';
import { sanitizeRecord, type CaptureRecord } from '../core/trace/records';
import { createReconnectingPort } from '../adapters/port';

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

const port = createReconnectingPort<CommandToHook, RelayToBackground>({
  name: RELAY_PORT,
  isIncoming: isCommandToHook,
  onMessage(received) {
    const cmd = forThisDocument(received);
    if (!cmd) return;
    if (cmd.type === 'set-recording') recording = cmd.recording;
    // Firefox hands page scripts only objects cloned into the page's compartment.
    const detail = typeof cloneInto === 'function' ? cloneInto(cmd, window) : cmd;
    window.dispatchEvent(new CustomEvent(RELAY_TO_HOOK_EVENT, { detail }));
  },
  onConnect(first) {
    port.post(message<RelayHelloMessage>({ type: 'hello', url: location.href, docId, firstConnect: first }));
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
  if (records.length > 0) port.post(message<RelayCaptureMessage>({ type: 'capture', records }));
});

// Connect at once so the background knows about this document (and a navigation) before any
// capture arrives, and can send commands to the hook.
port.connect();
