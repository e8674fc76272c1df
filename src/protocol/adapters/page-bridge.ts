/**
 * A transport from Node into an extension page, for the CLI and the tests: the page side is
 * bundled into the extension (the panel page opened without a tab installs it), the Node side
 * drives it through the automation library's page API. So the CLI and the tests talk to the
 * background through the very port code the panel uses, with no script written as a string.
 *
 *   Node client ──evaluate──▶ window.__dsiBridge.post ──port──▶ background
 *   Node client ◀──binding── window.__dsiDeliver ◀────port──── background
 */
import type { Transport } from '../kit';
import { listeners } from './listeners';

export const BRIDGE_GLOBAL = '__dsiBridge';
export const DELIVER_BINDING = '__dsiDeliver';

type Deliver = (kind: 'message' | 'connect' | 'disconnect', payload: unknown) => void;

/** The page side: forwards a transport (the panel's reconnecting port) to the Node side. */
export function installPageBridge(win: object, transport: Transport): void {
  const w = win as Record<string, unknown>;
  const deliver: Deliver = (kind, payload) => void (w[DELIVER_BINDING] as Deliver | undefined)?.(kind, payload);
  w[BRIDGE_GLOBAL] = { post: (m: object) => transport.post(m) };
  transport.onMessage((m) => deliver('message', m));
  transport.onConnect((first) => deliver('connect', first));
  transport.onDisconnect(() => deliver('disconnect', null));
}

/** What the Node side needs of a Playwright or Puppeteer page. */
export interface BridgeHost {
  /** Registers a function the page can call (Playwright `exposeBinding`, Puppeteer `exposeFunction`). */
  expose(name: string, fn: (kind: string, payload: unknown) => void): Promise<void>;
  /** Evaluates an expression in the page. */
  evaluate(expression: string): Promise<unknown>;
}

export interface HostTransport extends Transport {
  /** Resolves once the page's bridge has connected to the background. */
  ready: Promise<void>;
}

/** The Node side. Call before the page loads, so the binding is there when the bridge starts. */
export async function hostTransport(host: BridgeHost): Promise<HostTransport> {
  const messages = listeners<[unknown]>();
  const connected = listeners<[boolean]>();
  const disconnected = listeners<[]>();
  let connects = 0;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let closed = false;
  await host.expose(DELIVER_BINDING, (kind, payload) => {
    if (closed) return;
    if (kind === 'message') messages.emit(payload);
    else if (kind === 'connect') {
      connects += 1;
      markReady();
      connected.emit(connects === 1);
    } else if (kind === 'disconnect') disconnected.emit();
  });
  return {
    ready,
    post(msg) {
      // JSON in an expression: the page gets plain data, and no Node-compiled function is sent.
      host.evaluate(`window.${BRIDGE_GLOBAL}.post(${JSON.stringify(msg)})`).catch(() => {
        // The page closed (or navigated) under us: the requests waiting on it fail now, with
        // the client's "connection closed" error.
        if (!closed) disconnected.emit();
      });
    },
    onMessage: messages.add,
    onConnect(listener) {
      if (connects > 0) listener(true);
      return connected.add(listener);
    },
    onDisconnect: disconnected.add,
    close() {
      closed = true;
    },
  };
}
