/**
 * A small TCP proxy that cuts or stalls real connections: the server-side counterpart of the
 * page hook's faults. Put it between the browser and an app's backend to test what the backend
 * does when a client vanishes, or to compare an injected drop with a real one byte for byte.
 *
 *   const proxy = await startCutProxy({ target: { host: '127.0.0.1', port: 3000 } });
 *   // point the browser at proxy.port … then:
 *   proxy.cut();          // destroy every live connection (RST-like, no clean end)
 *   proxy.stall(true);    // stop forwarding in both directions (half-open), until stall(false)
 */
import net from 'node:net';

export interface CutProxy {
  port: number;
  /** Connections currently open through the proxy. */
  live(): number;
  /** Destroys every live connection abruptly; returns how many. */
  cut(): number;
  /** While stalled, bytes are held in both directions; un-stalling delivers them in order. */
  stall(on: boolean): void;
  close(): Promise<void>;
}

export async function startCutProxy(opts: { target: { host: string; port: number }; port?: number; host?: string }): Promise<CutProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let stalled = false;

  const server = net.createServer((client) => {
    const upstream = net.connect(opts.target.port, opts.target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    // Pausing the readable side is a real half-open connection: TCP backpressure does the rest.
    if (stalled) {
      client.pause();
      upstream.pause();
    }
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });

  return {
    port: (server.address() as net.AddressInfo).port,
    live: () => pairs.size,
    cut() {
      const n = pairs.size;
      for (const { client, upstream } of [...pairs]) {
        client.resetAndDestroy();
        upstream.destroy();
      }
      pairs.clear();
      return n;
    },
    stall(on) {
      stalled = on;
      for (const { client, upstream } of pairs) {
        if (on) {
          client.pause();
          upstream.pause();
        } else {
          client.resume();
          upstream.resume();
        }
      }
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
