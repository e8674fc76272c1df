/**
 * A runtime port that reconnects by itself. Chrome stops an idle service worker and closes
 * every port to it; the next message then reopens the port (waking the worker) instead of
 * failing at the call site. Reconnection lives here, not at every caller.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import type { Transport } from '../kit';
import { listeners } from './listeners';

export interface ReconnectingPort extends Transport {
  /** Opens the port now rather than on the first message. */
  connect(): void;
}

export interface PortOptions {
  name: string;
  /** Called once when the extension context is gone for good (extension reloaded or removed). */
  onGone?(): void;
  /**
   * Reconnect as soon as the port drops instead of on the next message. A panel needs this: it
   * only listens, and the background must learn again that the tab is watched after it restarts.
   */
  eager?: boolean;
}

export function createReconnectingPort(opts: PortOptions): ReconnectingPort {
  let port: Runtime.Port | null = null;
  let connections = 0;
  let closed = false;
  const messages = listeners<[unknown]>();
  const connected = listeners<[boolean]>();
  const disconnected = listeners<[]>();

  const gone = (): void => {
    if (closed) return;
    closed = true;
    port = null;
    opts.onGone?.();
  };

  const open = (): Runtime.Port | null => {
    if (port || closed) return port;
    try {
      port = browser.runtime.connect({ name: opts.name });
    } catch {
      // The extension was reloaded or removed: this context is orphaned for good.
      gone();
      return null;
    }
    connections += 1;
    port.onMessage.addListener((m: unknown) => messages.emit(m));
    port.onDisconnect.addListener(() => {
      port = null;
      disconnected.emit();
      // An orphaned context has no runtime id any more; a mere worker restart keeps it.
      if (!browser.runtime?.id) gone();
      else if (opts.eager) setTimeout(open, 50);
    });
    connected.emit(connections === 1);
    return port;
  };

  return {
    connect() {
      open();
    },
    post(msg) {
      const p = open();
      try {
        p?.postMessage(msg);
      } catch {
        port = null;
        try {
          open()?.postMessage(msg);
        } catch {
          gone();
        }
      }
    },
    onMessage: messages.add,
    onConnect: connected.add,
    onDisconnect: disconnected.add,
    close() {
      closed = true;
      port?.disconnect();
      port = null;
    },
  };
}
