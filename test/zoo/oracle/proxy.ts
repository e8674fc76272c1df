/**
 * A TCP proxy between the browser and a zoo app that can really cut the network: `cut()`
 * resets both sides of every live connection (an RST, as a dropped Wi-Fi or an idle-timeout
 * proxy does) and refuses new connections for a moment. Nothing of the inspector is involved.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface CutProxy {
  /** http://127.0.0.1:PORT: load the app through this origin. */
  origin: string;
  /** Resets every live connection and refuses new ones for `refuseMs`. Returns how many were cut. */
  cut(refuseMs?: number): number;
  close(): Promise<void>;
}

export async function startCutProxy(targetOrigin: string): Promise<CutProxy> {
  const target = new URL(targetOrigin);
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let refuseUntil = 0;
  const server = net.createServer((client) => {
    if (Date.now() < refuseUntil) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut(refuseMs = 500) {
      refuseUntil = Date.now() + refuseMs;
      const n = pairs.size;
      for (const { client, upstream } of [...pairs]) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
      pairs.clear();
      return n;
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
