/**
 * The relay's side of the hook's private channel (the hook's is src/hook/channel.ts): takes
 * the port the hook hands over at document_start, and hides the handover from the page.
 *
 * Call it at document_start: the capture listener on `window` is then registered before any
 * page script could add one, and the handover event (dispatched as a task, after every
 * document_start script ran) reaches it first; `stopImmediatePropagation` keeps it from every
 * page listener. Only the first handover counts, and the listener goes with it, so later
 * `message` events of the page are never touched.
 */
import type { Transport } from '../kit';
import { isObj } from '../../core/protocols/util';
import { HANDOVER_KEY } from '../page';
import { listeners } from './listeners';

export function acceptHookPort(win: Window): Transport {
  let port: MessagePort | null = null;
  /** Commands sent before the handover (none in practice: the background answers later). */
  const queued: object[] = [];
  const messages = listeners<[unknown]>();
  const connected = listeners<[boolean]>();
  const disconnected = listeners<[]>();
  const onHandover = (e: MessageEvent) => {
    if (e.source !== win || !isObj(e.data) || e.data[HANDOVER_KEY] !== true || e.ports.length !== 1) return;
    e.stopImmediatePropagation();
    win.removeEventListener('message', onHandover, true);
    port = e.ports[0]!;
    port.onmessage = (m) => messages.emit(m.data);
    for (const msg of queued.splice(0)) port.postMessage(msg);
    connected.emit(true);
  };
  win.addEventListener('message', onHandover, true);
  return {
    post(msg) {
      if (port) port.postMessage(msg);
      else queued.push(msg);
    },
    onMessage: messages.add,
    onConnect(listener) {
      if (port) listener(true);
      return connected.add(listener);
    },
    onDisconnect: disconnected.add,
    close() {
      port?.close();
      port = null;
      disconnected.emit();
    },
  };
}
