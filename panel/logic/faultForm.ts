/**
 * The faults toolbar's form, as plain strings the inputs hold, turned into a `FaultSpec`. The
 * spec is checked by the core's own `parseFaultSpec`, so the panel never arms what the
 * background and the hook would refuse.
 */
import { FAULT_KINDS as KINDS, parseFaultSpec, type FaultKind, type FaultSpec } from '../../src/core/faults/spec';

export type TriggerKind = 'now' | 'after-events' | 'after-ms' | 'match';
export type ScopeKind = 'connection' | 'tab' | 'session';

export interface FaultForm {
  kind: FaultKind;
  trigger: TriggerKind;
  /** after-events: N; after-ms: T; match: the pattern. */
  triggerValue: string;
  scope: ScopeKind;
  /** Percent, 0–100. */
  probability: string;
  once: boolean;
  /** stall: seconds, empty or 0 = until released. */
  stallSeconds: string;
  stallThen: 'deliver' | 'drop';
  offlineSeconds: string;
  latencyMs: string;
  bytesPerSecond: string;
  pieces: 'bytes' | 'random';
  maxPiece: string;
  seed: string;
}

/** Keyed by kind, so a kind added to the core cannot be missing from the form's menu. */
const KIND_TEXT: Record<FaultKind, { label: string; help: string }> = {
  drop: { label: 'Drop', help: 'the connection fails as on a network error' },
  stall: { label: 'Stall', help: 'hold delivery, then deliver or drop' },
  offline: { label: 'Offline', help: 'the page goes offline for a while' },
  latency: { label: 'Latency', help: 'delay every chunk or frame' },
  bandwidth: { label: 'Bandwidth', help: 'limit bytes per second' },
  rechunk: { label: 'Rechunk', help: 'split chunks into small pieces' },
  truncate: { label: 'Truncate', help: 'end the stream cleanly, early' },
};

export const FAULT_KINDS: { id: FaultKind; label: string; help: string }[] = KINDS.map((id) => ({ id, ...KIND_TEXT[id] }));

export const TRIGGERS: { id: TriggerKind; label: string; unit: string }[] = [
  { id: 'now', label: 'now', unit: '' },
  { id: 'after-events', label: 'after N events', unit: 'events' },
  { id: 'after-ms', label: 'after T ms', unit: 'ms' },
  { id: 'match', label: 'on text matching', unit: 'regex' },
];

export const DEFAULT_FAULT_FORM: FaultForm = {
  kind: 'drop',
  trigger: 'after-events',
  triggerValue: '5',
  scope: 'tab',
  probability: '100',
  once: true,
  stallSeconds: '3',
  stallThen: 'deliver',
  offlineSeconds: '3',
  latencyMs: '200',
  bytesPerSecond: '200',
  pieces: 'bytes',
  maxPiece: '8',
  seed: '1',
};

/** Which parameter inputs a kind needs. */
export function paramsOf(kind: FaultKind): (keyof FaultForm)[] {
  switch (kind) {
    case 'stall':
      return ['stallSeconds', 'stallThen'];
    case 'offline':
      return ['offlineSeconds'];
    case 'latency':
      return ['latencyMs'];
    case 'bandwidth':
      return ['bytesPerSecond'];
    case 'rechunk':
      return ['pieces', 'maxPiece', 'seed'];
    default:
      return [];
  }
}

function num(s: string): number | null {
  if (s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

export type FaultFormResult = { ok: true; spec: FaultSpec } | { ok: false; error: string };

/**
 * Builds the spec. `connectionId` is the selected connection (needed for "this connection");
 * `fireNow` overrides the trigger, as the "Fire now" button does.
 */
export function faultSpecOf(form: FaultForm, id: string, connectionId: string | null, fireNow = false): FaultFormResult {
  const trig = fireNow ? 'now' : form.trigger;
  let trigger: FaultSpec['trigger'];
  if (trig === 'now') trigger = { kind: 'now' };
  else if (trig === 'match') {
    if (form.triggerValue.trim() === '') return { ok: false, error: 'Give the text (a regular expression) to match.' };
    trigger = { kind: 'match', pattern: form.triggerValue.trim() };
  } else {
    const v = num(form.triggerValue);
    if (v === null || v < 0) return { ok: false, error: trig === 'after-events' ? 'Give the number of events (0 or more).' : 'Give the time in ms (0 or more).' };
    trigger = trig === 'after-events' ? { kind: 'after-events', count: Math.floor(v) } : { kind: 'after-ms', ms: v };
  }
  let scope: FaultSpec['scope'];
  if (form.scope === 'connection') {
    if (!connectionId) return { ok: false, error: 'Select a connection first to target only it.' };
    scope = { kind: 'connection', connectionId };
  } else scope = { kind: form.scope };
  const p = num(form.probability);
  if (p === null || p < 0 || p > 100) return { ok: false, error: 'Probability is a percentage from 0 to 100.' };
  const raw: Record<string, unknown> = { id, kind: form.kind, trigger, scope, probability: p / 100, once: form.once };
  switch (form.kind) {
    case 'stall': {
      const s = num(form.stallSeconds) ?? 0;
      if (s < 0) return { ok: false, error: 'A stall lasts 0 s (until released) or more.' };
      raw.stallMs = Math.round(s * 1000);
      raw.stallThen = form.stallThen;
      break;
    }
    case 'offline': {
      const s = num(form.offlineSeconds);
      if (s === null || s <= 0) return { ok: false, error: 'An offline window needs a duration in seconds.' };
      raw.offlineMs = Math.round(s * 1000);
      break;
    }
    case 'latency':
      raw.latencyMs = num(form.latencyMs);
      break;
    case 'bandwidth':
      raw.bytesPerSecond = num(form.bytesPerSecond);
      break;
    case 'rechunk':
      raw.pieces = form.pieces;
      raw.maxPiece = num(form.maxPiece) ?? 8;
      raw.seed = num(form.seed) ?? 1;
      break;
  }
  const parsed = parseFaultSpec(raw);
  return parsed.ok ? parsed : { ok: false, error: `Not a valid fault: ${parsed.error}.` };
}

/** "drop after 5 events · this tab", as the armed list shows it. */
export function describeFault(spec: FaultSpec): string {
  const t = spec.trigger;
  const when = t.kind === 'now' ? 'now' : t.kind === 'after-events' ? `after ${t.count} events` : t.kind === 'after-ms' ? `after ${t.ms} ms` : `on /${t.pattern}/`;
  const what =
    spec.kind === 'stall'
      ? `stall ${spec.stallMs ? `${spec.stallMs / 1000} s` : 'until released'} then ${spec.stallThen ?? 'deliver'}`
      : spec.kind === 'offline'
        ? `offline ${(spec.offlineMs ?? 0) / 1000} s`
        : spec.kind === 'latency'
          ? `latency +${spec.latencyMs} ms`
          : spec.kind === 'bandwidth'
            ? `bandwidth ${spec.bytesPerSecond} B/s`
            : spec.kind === 'rechunk'
              ? `rechunk (${spec.pieces === 'random' ? `random ≤ ${spec.maxPiece}` : '1 byte'})`
              : spec.kind;
  const where = spec.scope.kind === 'connection' ? 'one connection' : spec.scope.kind === 'tab' ? 'this tab' : 'whole session';
  const extra = [spec.probability < 1 ? `${Math.round(spec.probability * 100)}%` : '', spec.once ? 'once' : 'every stream'].filter(Boolean).join(', ');
  return `${what} ${when} · ${where} · ${extra}`;
}

/** A stall that waits for the user: it needs Release buttons once it fired. */
export function holdsUntilReleased(spec: FaultSpec): boolean {
  return spec.kind === 'stall' && !spec.stallMs;
}
