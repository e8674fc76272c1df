/**
 * A runtime port that reconnects by itself. Chrome stops an idle service worker and closes
 * every port to it; the next message then reopens the port (waking the worker) instead of
 * failing at the call site. Reconnection lives here, not at every caller (style-anchors §2).
 */
import browser, { type Runtime } from 'webextension-polyfill';

export interface ReconnectingPort<Out> {
  /** Opens the port now rather than on the first message. */
  connect(): void;
  post(msg: Out): void;
  disconnect(): void;
}

export interface PortOptions<In> {
  name: string;
  onMessage(msg: In): void;
  isIncoming(x: unknown): x is In;
  /** Called on every (re)connection before queued messages are sent, e.g. to say hello. */
  onConnect?(first: boolean): void;
}

export function createReconnectingPort<In, Out>(opts: PortOptions<In>): ReconnectingPort<Out> {
  let port: Runtime.Port | null = null;
  let connections = 0;
  let closed = false;

  const open = (): Runtime.Port | null => {
    if (port || closed) return port;
    try {
      port = browser.runtime.connect({ name: opts.name });
    } catch {
      // The extension was reloaded or removed: this context is orphaned for good.
      closed = true;
      return null;
    }
    connections += 1;
    port.onMessage.addListener((m: unknown) => {
      if (opts.isIncoming(m)) opts.onMessage(m);
    });
    port.onDisconnect.addListener(() => {
      port = null;
    });
    opts.onConnect?.(connections === 1);
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
          closed = true;
        }
      }
    },
    disconnect() {
      closed = true;
      port?.disconnect();
      port = null;
    },
  };
}
