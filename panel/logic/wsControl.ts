/**
 * The WebSocket control tab's logic: a message typed as text, hex or base64 becomes the payload
 * the `ws-control` request carries (with a clear error for input that is none of them), and the
 * connection's control notes say which breakpoint holds are still waiting for the user.
 */
import type { ControlNote } from '../../src/core/trace/model';
import { MAX_PAYLOAD_CHARS, type WsPayload } from '../../src/protocol/ws-control';

export const PAYLOAD_FORMATS = ['text', 'hex', 'base64'] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

export type PayloadResult = { ok: true; payload: WsPayload } | { ok: false; error: string };

const bytesToBase64 = (bytes: Uint8Array): string => {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
};

export function payloadFromInput(input: string, format: PayloadFormat): PayloadResult {
  if (format === 'text') return input.length > MAX_PAYLOAD_CHARS ? { ok: false, error: 'the message is longer than 1 MiB' } : { ok: true, payload: { binary: false, value: input } };
  if (format === 'hex') {
    // Spaces, colons and line breaks between bytes are allowed, as hex dumps write them.
    const digits = input.replace(/[\s:]/g, '').replace(/^0x/i, '');
    if (!/^(?:[0-9a-f]{2})*$/i.test(digits)) return { ok: false, error: 'hex needs an even number of hex digits (0-9, a-f), optionally separated by spaces' };
    const bytes = new Uint8Array(digits.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
    const value = bytesToBase64(bytes);
    return value.length > MAX_PAYLOAD_CHARS ? { ok: false, error: 'the message is larger than the control sends' } : { ok: true, payload: { binary: true, value } };
  }
  const value = input.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) return { ok: false, error: 'not standard base64 (A-Z, a-z, 0-9, +, /, padded with = to a multiple of 4)' };
  return value.length > MAX_PAYLOAD_CHARS ? { ok: false, error: 'the message is larger than the control sends' } : { ok: true, payload: { binary: true, value } };
}

/** Breakpoint hits not yet continued, edited or dropped (a refused release leaves the hold waiting). */
export function waitingHolds(notes: readonly ControlNote[]): ControlNote[] {
  const released = new Set(notes.filter((n) => (n.action === 'continue' || n.action === 'edit' || n.action === 'drop') && n.error === null && n.holdId).map((n) => n.holdId));
  const ended = notes.some((n) => (n.action === 'close' || n.action === 'error') && n.error === null);
  return ended ? [] : notes.filter((n) => n.action === 'breakpoint-hit' && n.holdId !== null && !released.has(n.holdId));
}

/** One line per control note, for the tab's log. */
export function noteLine(n: ControlNote): string {
  const dir = n.dir === 'in' ? ' ↓' : n.dir === 'out' ? ' ↑' : '';
  return `${n.action}${dir}${n.detail ? `: ${n.detail}` : ''}${n.error ? ` — not done: ${n.error}` : ''}`;
}
