/**
 * The background's side of a runtime port a relay or a panel opened: it never reconnects (the
 * other side does), so it is connected once, from the start, until it disconnects.
 */
import type { Runtime } from 'webextension-polyfill';
import type { Transport } from '../kit';
import { listeners } from './listeners';

export function runtimePortTransport(port: Runtime.Port): Transport {
  const disconnected = listeners<[]>();
  let open = true;
  port.onDisconnect.addListener(() => {
    open = false;
    disconnected.emit();
  });
  return {
    post(msg) {
      if (!open) return;
      try {
        port.postMessage(msg);
      } catch {
        // The other side went away between our check and the post; onDisconnect follows.
        open = false;
      }
    },
    onMessage(listener) {
      const l = (m: unknown) => listener(m);
      port.onMessage.addListener(l);
      return () => port.onMessage.removeListener(l);
    },
    onConnect(listener) {
      if (open) listener(true);
      return () => undefined;
    },
    onDisconnect: disconnected.add,
    close() {
      open = false;
      port.disconnect();
    },
  };
}
