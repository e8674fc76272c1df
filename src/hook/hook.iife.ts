/**
 * The page hook: runs in the page's MAIN world at document_start, before any page script, and
 * wraps the streaming transports. It must stay a self-contained IIFE (the `.iife.ts` name makes
 * crxjs build it so): a loader with dynamic imports would install the wrappers too late, and
 * would expose our chunks to every site as web-accessible resources.
 */
import { createEmitter } from './emit';
import { installFetch } from './fetch';
import { installWebSocket } from './websocket';
import { installEventSource } from './eventsource';
import { installXhr } from './xhr';
import { installPageSignals } from './page-signals';
import { createFaultEngine } from './faults';
import { createReplays } from './replay';
import { safely } from './safely';
import { maskToString } from './define';

const g = globalThis as Window & typeof globalThis;
// First, so that every wrapper installed after it, and it itself, prints native source text.
safely(() => maskToString(g), 'hook:faces');
// The browser's own fetch, before we wrap it: the EventSource emulation reconnects with it.
const nativeFetch = g.fetch;
const emitter = safely(() => createEmitter(g), 'hook:emit');
if (emitter) {
  const faults = safely(() => createFaultEngine(g, emitter), 'hook:faults') ?? null;
  const replays = createReplays(g);
  safely(() => installFetch(g, emitter, faults, replays), 'hook:fetch');
  safely(() => installWebSocket(g, emitter, faults), 'hook:websocket');
  safely(() => installEventSource(g, emitter, faults, nativeFetch), 'hook:eventsource');
  safely(() => installXhr(g, emitter), 'hook:xhr');
  safely(() => installPageSignals(g, emitter), 'hook:page-signals');
  emitter.onCommand((cmd) =>
    safely(() => {
      // Commands arrive parsed (emit.ts checks each one once, where it enters the page).
      if (cmd.type === 'arm-replay') replays.arm(cmd.recording, cmd.scale);
      else if (!faults) return;
      else if (cmd.type === 'arm-fault') faults.arm(cmd.fault);
      else if (cmd.type === 'disarm-fault') faults.disarm(cmd.faultId);
      else faults.release(cmd.faultId, cmd.deliver);
    }, 'hook:commands'),
  );
}
