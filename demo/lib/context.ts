/** What the server gives every mode module. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { HttpError } from './http.js';
import type { GenParams } from '../model.js';

export interface Defaults {
  tps: number;
  tokens: number;
  seed: number;
}

export interface ModeContext {
  defaults: Defaults;
  /** Registers a live streaming response; it is destroyed by dropStreams(). */
  trackStream(res: ServerResponse): void;
  /** Registers a cleanup run on close() (timers of runs etc.). */
  onClose(fn: () => void): void;
  /** Shared noServer WebSocketServer; upgrade sockets are tracked by the server. */
  wss: WebSocketServer;
}

export interface Mode {
  name: string;
  /** Handles /<name>/api/... requests; `path` is the part after /<name>. */
  handle?(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> | void;
  /** Handles upgrade requests to /<name>/...; return false for 404. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, path: string, url: URL): boolean;
}

function num(v: unknown, name: string, fallback: number, min: number, max: number, int: boolean): number {
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) {
    throw new HttpError(400, `invalid ${name}: expected ${int ? 'an integer' : 'a number'} in [${min}, ${max}]`);
  }
  return n;
}

/** Reads {prompt, tps, tokens, seed} from a JSON body or query object, with defaults. */
export function genParams(src: Record<string, unknown>, d: Defaults): GenParams {
  const p = src['prompt'];
  if (p !== undefined && typeof p !== 'string') throw new HttpError(400, 'invalid prompt: expected a string');
  return {
    prompt: p ?? '',
    tps: num(src['tps'], 'tps', d.tps, 0.1, 100_000, false),
    tokens: num(src['tokens'], 'tokens', d.tokens, 0, 1_000_000, true),
    seed: num(src['seed'], 'seed', d.seed, -2147483648, 4294967295, true),
  };
}

let counter = 0;
/** Short unique id with a prefix (not deterministic across processes; ids are not content). */
export function newId(prefix: string): string {
  counter = (counter + 1) % 0xffffff;
  return `${prefix}_${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
