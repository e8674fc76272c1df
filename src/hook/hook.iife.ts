/**
 * The page hook: runs in the page's MAIN world at document_start, before any page script, and
 * wraps the streaming transports. It must stay a self-contained IIFE (the `.iife.ts` name makes
 * crxjs build it so): a loader with dynamic imports would install the wrappers too late, and
 * would expose our chunks to every site as web-accessible resources.
 */
import { createEmitter } from './emit';
import { installPageSignals } from './page-signals';
import { createFaultEngine } from './faults';
import { createReplays } from './replay';
import { createHookedRealms } from './hooked-realms';
import { installInto } from './install';
import { createWsControls } from './ws-control';
import { safely } from './safely';

const g = globalThis as Window & typeof globalThis;
const realms = safely(() => createHookedRealms(g), 'hook:frames');
// A same-origin frame joins its parent's hook, which installs here (or finds it did already: a
// srcdoc frame reuses the window the page first reached) and captures through its own channel.
// `parent` is read before any page script of this document exists.
const parent = g.parent;
const joined = realms && parent !== g ? safely(() => realms.enterOf(parent), 'hook:frames') : undefined;
if (joined) joined(g);
// Anywhere else the hook installs itself, unless another install was here first.
const claimed = realms && !joined ? safely(() => realms.claim(g), 'hook:frames') : undefined;
const emitter = realms && claimed === 'claimed' ? safely(() => createEmitter(g), 'hook:emit') : undefined;
if (realms && emitter) {
  const faults = safely(() => createFaultEngine(g, emitter), 'hook:faults') ?? null;
  const replays = createReplays(g);
  const wsControls = safely(() => createWsControls(emitter), 'hook:ws-control') ?? null;
  installInto(g, { emitter, faults, replays, realms, wsControls });
  safely(() => installPageSignals(g, emitter), 'hook:page-signals');
  emitter.onCommand((cmd) =>
    safely(() => {
      // Commands arrive parsed (emit.ts checks each one once, where it enters the page).
      if (cmd.type === 'arm-replay') replays.arm(cmd.recording, cmd.scale);
      else if (cmd.type === 'ws-control') wsControls?.act(cmd.conn, cmd.action);
      else if (!faults) return;
      else if (cmd.type === 'arm-fault') faults.arm(cmd.fault);
      else if (cmd.type === 'disarm-fault') faults.disarm(cmd.faultId);
      else faults.release(cmd.faultId, cmd.deliver);
    }, 'hook:commands'),
  );
}
