/**
 * The hook's private line to the relay: a MessageChannel whose second port the hook hands over
 * once, at document_start, before any page script exists. A page can neither read what travels
 * on it (capture, our own hook id) nor post on it (forged records, commands): events on
 * `window`, which the page can listen to and dispatch, carry nothing of ours any more.
 *
 * The handover is one `message` event on this window; the relay's capture listener, registered
 * at document_start too, takes the port and stops the event before any page listener could see
 * it. Everything used later is captured here, so a page replacing `MessagePort.prototype` or
 * `MessageEvent.prototype.data` afterwards neither breaks the line nor sees it used.
 */
import { HANDOVER_KEY } from '../protocol/page';
import { apply, getterOf, get } from './define';

export interface HookChannel {
  post(msg: object): void;
  onMessage(listener: (data: unknown) => void): void;
}

export function openChannel(win: Window & typeof globalThis): HookChannel {
  const channel = new win.MessageChannel();
  const port = channel.port1;
  const postMessage = win.MessagePort.prototype.postMessage;
  const start = win.MessagePort.prototype.start;
  const addEventListener = win.EventTarget.prototype.addEventListener;
  const dataOf = getterOf(win.MessageEvent.prototype, 'data');
  let listener: ((data: unknown) => void) | null = null;
  apply(addEventListener, port, ['message', (e: Event) => listener?.(get(dataOf, e))]);
  apply(start, port, []);
  // A prototype-less message: structured cloning reads only its own key.
  const handover = { __proto__: null, [HANDOVER_KEY]: true };
  apply(win.postMessage, win, [handover, '*', [channel.port2]]);
  return {
    post: (msg) => apply(postMessage, port, [msg]),
    onMessage(l) {
      listener = l;
    },
  };
}
