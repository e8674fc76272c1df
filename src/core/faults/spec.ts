/**
 * Fault specifications: what to inject, when, and where. Shared by the panel (which arms
 * them), the background (which routes them to the right tabs), the hook (which fires them) and
 * the trace (which records them). Pure and browser-free.
 */
import { append, charCodeAt, contains, copyBytes, floor, imul, lengthOf, matches, max } from '../builtins';

// Captured: triggers, coins and splits run in the page hook (see builtins.ts).
const RegExpCtor = RegExp;

/** What can be injected; the one list every guard, the trace validator and the schema follow. */
export const FAULT_KINDS = ['drop', 'stall', 'offline', 'latency', 'bandwidth', 'rechunk', 'truncate'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultTrigger =
  | { kind: 'now' }
  /** After the stream delivered this many events (chunks, frames or messages). */
  | { kind: 'after-events'; count: number }
  /** This long after the stream opened. */
  | { kind: 'after-ms'; ms: number }
  /** On the first event whose text matches (a regular expression, case-insensitive). */
  | { kind: 'match'; pattern: string };

export type FaultScope =
  | {
      kind: 'connection';
      connectionId: string;
      /**
       * For a stream made of many requests (Durable Streams long-poll): the origin and path its
       * requests share. The fault then hits the request to that path that is waiting for its
       * answer, now or next, since the request `connectionId` names may be over by the time
       * the fault arrives.
       */
      followPath?: string;
    }
  /** Every streaming connection of the tab (present and future, while armed). */
  | { kind: 'tab' }
  /** Every tab of the session (the background fans the fault out to linked tabs). */
  | { kind: 'session' };

export interface FaultSpec {
  id: string;
  kind: FaultKind;
  trigger: FaultTrigger;
  scope: FaultScope;
  /** Chance, per stream, that the fault applies to it at all (1 = always). */
  probability: number;
  /** stall: how long (ms; 0 = until released), then 'deliver' what was held or 'drop'. */
  stallMs?: number;
  stallThen?: 'deliver' | 'drop';
  /** offline: how long the window lasts (ms). */
  offlineMs?: number;
  /** latency: added delay per chunk/frame (ms). bandwidth: bytes per second. */
  latencyMs?: number;
  bytesPerSecond?: number;
  /** rechunk: 1-byte pieces, or random sizes between 1 and maxPiece (seeded). */
  pieces?: 'bytes' | 'random';
  maxPiece?: number;
  seed?: number;
  /** Whether the fault fires once (on the first stream that triggers it) or on every stream. */
  once: boolean;
}

function finite(x: unknown, min: number, max: number): number | null {
  return typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max ? x : null;
}

function trigger(x: unknown): FaultTrigger | null {
  if (typeof x !== 'object' || x === null) return null;
  const t = x as Record<string, unknown>;
  switch (t.kind) {
    case 'now':
      return { kind: 'now' };
    case 'after-events': {
      const count = finite(t.count, 0, 1e9);
      return count === null ? null : { kind: 'after-events', count: Math.floor(count) };
    }
    case 'after-ms': {
      const ms = finite(t.ms, 0, 864e5);
      return ms === null ? null : { kind: 'after-ms', ms };
    }
    case 'match': {
      if (typeof t.pattern !== 'string' || t.pattern.length === 0 || t.pattern.length > 500) return null;
      try {
        new RegExp(t.pattern, 'i');
      } catch {
        return null;
      }
      return { kind: 'match', pattern: t.pattern };
    }
    default:
      return null;
  }
}

function scope(x: unknown): FaultScope | null {
  if (typeof x !== 'object' || x === null) return null;
  const s = x as Record<string, unknown>;
  if (s.kind === 'tab' || s.kind === 'session') return { kind: s.kind };
  if (s.kind === 'connection' && typeof s.connectionId === 'string' && s.connectionId.length <= 200) {
    if (s.followPath === undefined) return { kind: 'connection', connectionId: s.connectionId };
    if (typeof s.followPath !== 'string' || s.followPath.length === 0 || s.followPath.length > 2000) return null;
    return { kind: 'connection', connectionId: s.connectionId, followPath: s.followPath };
  }
  return null;
}

/** Rebuilds a fault spec from untrusted input, or explains why it is not one. */
export function parseFaultSpec(x: unknown): { ok: true; spec: FaultSpec } | { ok: false; error: string } {
  if (typeof x !== 'object' || x === null) return { ok: false, error: 'a fault must be an object' };
  const f = x as Record<string, unknown>;
  if (typeof f.id !== 'string' || f.id.length === 0 || f.id.length > 100) return { ok: false, error: 'fault id missing' };
  if (!contains(FAULT_KINDS as readonly unknown[], f.kind)) return { ok: false, error: `unknown fault kind ${typeof f.kind === 'string' ? `"${f.kind}"` : typeof f.kind}` };
  const t = trigger(f.trigger);
  if (!t) return { ok: false, error: 'invalid trigger' };
  const sc = scope(f.scope);
  if (!sc) return { ok: false, error: 'invalid scope' };
  const spec: FaultSpec = { id: f.id, kind: f.kind as FaultKind, trigger: t, scope: sc, probability: finite(f.probability, 0, 1) ?? 1, once: f.once !== false };
  const opt = (key: keyof FaultSpec, min: number, max: number) => {
    const v = finite(f[key], min, max);
    if (v !== null) (spec as unknown as Record<string, number>)[key] = v;
  };
  opt('stallMs', 0, 36e5);
  opt('offlineMs', 1, 36e5);
  opt('latencyMs', 0, 6e5);
  opt('bytesPerSecond', 1, 1e10);
  opt('maxPiece', 1, 1 << 20);
  opt('seed', 0, 2 ** 32);
  if (f.stallThen === 'deliver' || f.stallThen === 'drop') spec.stallThen = f.stallThen;
  if (f.pieces === 'bytes' || f.pieces === 'random') spec.pieces = f.pieces;
  if (spec.kind === 'offline' && spec.offlineMs === undefined) return { ok: false, error: 'an offline window needs offlineMs' };
  if (spec.kind === 'latency' && spec.latencyMs === undefined) return { ok: false, error: 'latency needs latencyMs' };
  if (spec.kind === 'bandwidth' && spec.bytesPerSecond === undefined) return { ok: false, error: 'bandwidth needs bytesPerSecond' };
  return { ok: true, spec };
}

/** How long a latency or bandwidth fault holds back a delivery of `bytes` bytes (0 for other kinds). */
export function shapingDelayMs(spec: FaultSpec, bytes: number): number {
  if (spec.kind === 'latency') return spec.latencyMs ?? 0;
  if (spec.kind === 'bandwidth') return (bytes / (spec.bytesPerSecond ?? 1)) * 1000;
  return 0;
}

/** What a stream has done so far, for trigger decisions. */
export interface StreamProgress {
  events: number;
  openedAt: number;
  now: number;
  /** Text of the event being considered (null when checking on a timer). */
  text: string | null;
}

export function triggerFires(t: FaultTrigger, p: StreamProgress): boolean {
  switch (t.kind) {
    case 'now':
      return true;
    case 'after-events':
      return p.events >= t.count;
    case 'after-ms':
      return p.now - p.openedAt >= t.ms;
    case 'match':
      return p.text !== null && matches(new RegExpCtor(t.pattern, 'i'), p.text);
  }
}

/** Deterministic per (fault, stream) coin, so a probability is reproducible in a trace. */
export function coin(seed: string): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = imul(h ^ charCodeAt(seed, i), 16777619);
  h ^= h >>> 13;
  h = imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return (h >>> 0) / 2 ** 32;
}

/**
 * Splits a byte chunk for the rechunk fault; `rand` is a seeded generator in [0, 1). Pieces are
 * copies: a byte stream transfers the buffer of each chunk it is given.
 */
export function splitChunk(bytes: Uint8Array, pieces: 'bytes' | 'random', maxPiece: number, rand: () => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  const n = lengthOf(bytes);
  while (i < n) {
    const size = pieces === 'bytes' ? 1 : 1 + floor(rand() * max(1, maxPiece));
    append(out, copyBytes(bytes, i, i + size));
    i += size;
  }
  return out;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
