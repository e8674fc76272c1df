/**
 * The Socket.IO page's client: the real socket.io-client over WebSocket only (no HTTP polling
 * handshake first), rendering each `token` event's delta into #answer and the `done` event
 * into body[data-state]. It connects when the test calls window.__connect().
 */
import { io } from 'socket.io-client';

declare global {
  interface Window {
    __connect(): void;
  }
}

window.__connect = () => {
  const answer = document.getElementById('answer')!;
  const socket = io(location.origin, { transports: ['websocket'], reconnection: false });
  socket.on('connect', () => (document.body.dataset.connected = socket.id ?? 'yes'));
  socket.on('token', (t: { delta: string }) => {
    answer.textContent += t.delta;
  });
  socket.on('done', () => {
    document.body.dataset.state = 'done';
    socket.close();
  });
  socket.on('connect_error', (e: Error) => (document.body.dataset.state = `connect_error: ${e.message}`));
};
