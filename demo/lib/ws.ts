/** WebSocket helpers. */
import type { WebSocket, RawData } from 'ws';
import { HttpError } from './http.js';

export function wsSend(ws: WebSocket, msg: unknown): void {
  if (ws.readyState !== ws.OPEN) return;
  try {
    ws.send(JSON.stringify(msg));
  } catch {
    /* socket vanished */
  }
}

/** Parses a JSON object frame; throws HttpError(400) otherwise. */
export function parseFrame(data: RawData): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid JSON message');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HttpError(400, 'message must be a JSON object');
  return v as Record<string, unknown>;
}
