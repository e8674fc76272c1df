/**
 * The server for the socket mock tests, on an ephemeral port. It serves two pages and runs no
 * Socket.IO server at all:
 * - /socketio: the real socket.io-client (bundled) that renders what the server sends;
 * - /reconnect: a plain WebSocket app that renders each message, and on a close that was not
 *   clean reconnects once, to /live, where a real `ws` server answers "from the server".
 * - /eventsource: an EventSource app that renders each `delta` event with its id and the errors,
 *   and closes after a message from /events, the real SSE endpoint (it answers with the id after
 *   the Last-Event-ID the browser sent, and the data "from the server").
 * Upgrades and SSE requests are counted: the oracle that a mocked one never reached the network.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { bundleClient } from '../../zoo/bundle';

export interface SocketMockServer {
  url: string;
  /** Upgrade requests that arrived, by path. */
  upgrades: Record<string, number>;
  /** Requests to /events, with the Last-Event-ID each sent. */
  events: Array<string | null>;
  close(): Promise<void>;
}

const RECONNECT_APP = `
const log = document.getElementById('log');
const line = (t) => { const li = document.createElement('li'); li.textContent = t; log.append(li); };
let attempt = 0;
window.__connect = () => {
  attempt++;
  const n = attempt;
  const ws = new WebSocket(location.origin.replace('http', 'ws') + '/live');
  ws.onopen = () => line(n + ' open');
  ws.onmessage = (e) => line(n + ' message ' + e.data);
  ws.onerror = () => line(n + ' error');
  ws.onclose = (e) => {
    line(n + ' close ' + e.code + ' clean ' + e.wasClean);
    if (!e.wasClean && attempt < 2) setTimeout(window.__connect, 50);
    else document.body.dataset.state = 'closed ' + n;
  };
};`;

const EVENTSOURCE_APP = `
const log = document.getElementById('log');
const line = (t) => { const li = document.createElement('li'); li.textContent = t; log.append(li); };
window.__connect = () => {
  const es = new EventSource('/events');
  es.addEventListener('delta', (e) => {
    line('delta ' + e.lastEventId + ' ' + e.data);
    if (e.data === 'from the server') { es.close(); document.body.dataset.state = 'closed'; }
  });
  es.onerror = () => line('error, readyState ' + es.readyState);
};`;

const page = (body: string, script: string) => `<!doctype html><meta charset="utf-8"><title>socket mock</title><body>${body}<script type="module">${script}</script></body>`;

export async function startSocketMockServer(): Promise<SocketMockServer> {
  const client = await bundleClient(fileURLToPath(new URL('./socketio-client.ts', import.meta.url)));
  const upgrades: Record<string, number> = {};
  const events: Array<string | null> = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/events') {
      const last = (req.headers['last-event-id'] as string | undefined) ?? null;
      events.push(last);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(`event: delta\nid: ${Number(last ?? 0) + 1}\ndata: from the server\n\n`);
      return;
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (path === '/socketio') return res.end(page('<p id="answer"></p>', client));
    if (path === '/reconnect') return res.end(page('<ul id="log"></ul>', RECONNECT_APP));
    if (path === '/eventsource') return res.end(page('<ul id="log"></ul>', EVENTSOURCE_APP));
    res.statusCode = 404;
    res.end('not found');
  });
  const live = new WebSocketServer({ noServer: true });
  live.on('connection', (ws) => {
    ws.send('from the server');
    ws.close(1000, 'bye');
  });
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '/').split('?')[0]!;
    upgrades[path] = (upgrades[path] ?? 0) + 1;
    if (path === '/live') live.handleUpgrade(req, socket, head, (ws) => live.emit('connection', ws, req));
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    upgrades,
    events,
    close: () => new Promise<void>((resolve) => {
      live.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
