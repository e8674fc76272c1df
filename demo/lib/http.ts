/** Small HTTP helpers shared by the mode modules (node:http only). */
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message, status });
}

/** Reads a JSON object body (max 1 MB). Throws HttpError(400) on bad JSON. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1_000_000) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `invalid JSON body: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'JSON body must be an object');
  }
  return value as Record<string, unknown>;
}

/** Starts a text/event-stream response. */
export function startSse(res: ServerResponse, extraHeaders: Record<string, string> = {}): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...extraHeaders,
  });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
}

export interface SseEvent {
  id?: string | number;
  event?: string;
  data: string;
  retry?: number;
}

export function formatSse(ev: SseEvent): string {
  let out = '';
  if (ev.retry !== undefined) out += `retry: ${ev.retry}\n`;
  if (ev.id !== undefined) out += `id: ${ev.id}\n`;
  if (ev.event !== undefined) out += `event: ${ev.event}\n`;
  for (const line of ev.data.split('\n')) out += `data: ${line}\n`;
  return out + '\n';
}

/** Writes if the response is still writable. Returns false if it is gone. */
export function safeWrite(res: ServerResponse, text: string): boolean {
  if (res.destroyed || res.writableEnded) return false;
  try {
    res.write(text);
    return true;
  } catch {
    return false;
  }
}

export function safeEnd(res: ServerResponse): void {
  if (res.destroyed || res.writableEnded) return;
  try {
    res.end();
  } catch {
    /* client vanished */
  }
}

/** Parses a Last-Event-ID header into an integer (or undefined). */
export function lastEventId(req: IncomingMessage): number | undefined {
  const raw = req.headers['last-event-id'];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}
