/**
 * A real server for the socket replay tests: a `ws` WebSocket endpoint and an SSE endpoint, each
 * counting the connections it accepted (the oracle that a replay never reached it), and the app
 * page (app.js) whose state is the text it rendered from each stream.
 *
 * /ws picks the `chat.v1` subprotocol; on the app's `start` it sends three text frames and one
 * binary frame, then closes with 4001 "done". /sse sends two messages with ids and ends the
 * response (`retry: 300`), and on the reconnect (Last-Event-ID: 2) the third and a `done` event.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export interface ReplayServer {
  url: string;
  /** WebSocket upgrades accepted, and the text frames each socket received. */
  ws: { connections: number; received: string[][] };
  /** SSE requests answered, with the Last-Event-ID each sent. */
  sse: { requests: Array<string | null> };
  close(): Promise<void>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startReplayServer(): Promise<ReplayServer> {
  const script = readFileSync(new URL('./app.js', import.meta.url), 'utf8');
  const state: Pick<ReplayServer, 'ws' | 'sse'> = { ws: { connections: 0, received: [] }, sse: { requests: [] } };
  const server = http.createServer(async (req, res) => {
    if (req.url === '/sse') {
      const last = (req.headers['last-event-id'] as string | undefined) ?? null;
      state.sse.requests.push(last);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      if (last === null) {
        res.write('retry: 300\n\n');
        await pause(40);
        res.write('event: token\nid: 1\ndata: one\n\n');
        await pause(40);
        res.write('event: token\nid: 2\ndata: two\ndata: lines\n\n');
        await pause(40);
        res.end();
      } else {
        await pause(40);
        res.write('event: token\nid: 3\ndata: three\n\n');
        await pause(40);
        res.write('data: unnamed\n\n');
        await pause(40);
        res.write('event: done\ndata: bye\n\n');
        // The app closes it; the server keeps it open as a live stream would.
        req.on('close', () => res.end());
      }
      return;
    }
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>socket replay</title><pre id="ws"></pre><pre id="es"></pre><script>${script}</script>`);
  });
  const wss = new WebSocketServer({ server, path: '/ws', handleProtocols: (offered) => (offered.has('chat.v1') ? 'chat.v1' : false) });
  wss.on('connection', (ws) => {
    state.ws.connections += 1;
    const got: string[] = [];
    state.ws.received.push(got);
    ws.on('message', async (data, isBinary) => {
      const text = isBinary ? '(binary)' : data.toString();
      got.push(text);
      if (text !== 'start') return;
      for (const frame of ['alpha', 'beta', Buffer.from([0xca, 0xfe, 0x00]), 'gamma']) {
        await pause(40);
        ws.send(frame);
      }
      await pause(40);
      ws.close(4001, 'done');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ...state,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
