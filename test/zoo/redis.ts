/**
 * A throwaway Redis for the zoo apps whose libraries need one (resumable-stream keeps its
 * stream buffers and pub/sub there). Debian's redis-server, in memory only, on a free port,
 * owned by the test that started it: nothing runs as a service and nothing is written to disk.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

export interface RedisServer {
  /** redis://127.0.0.1:PORT */
  url: string;
  stop(): Promise<void>;
}

/** A port nothing listens on right now: the OS picks one for port 0, we close it and hand it on. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** One PING over a raw socket: true once the server answers +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    const end = (ok: boolean) => {
      s.destroy();
      done(ok);
    };
    s.setTimeout(1000, () => end(false));
    s.on('error', () => end(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d: Buffer) => {
      got += d.toString();
      if (got.includes('\r\n')) end(got.startsWith('+PONG'));
    });
  });
}

export async function startRedis(timeoutMs = 15_000): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  const exit = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  child.once('error', (e) => (output += String(e)));

  const stop = async (): Promise<void> => {
    if (exited || child.pid === undefined) return;
    // By pid, the process we spawned and nothing else.
    process.kill(child.pid, 'SIGTERM');
    const killed = await Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
    if (!killed && !exited) process.kill(child.pid, 'SIGKILL');
    await exit;
  };

  const deadline = Date.now() + timeoutMs;
  while (!(await ping(port))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server on port ${port} did not answer PING:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}
