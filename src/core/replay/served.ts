/**
 * How a connection the inspector answered itself is marked in the capture: its open record's
 * `detail` starts with one of these, so the trace and the HAR (which keep `detail`) say it
 * never reached the server, and the panel can say by what it was served. The hook writes the
 * marker (captured built-ins: plain string constants and `startsWith` only).
 */
import { startsWith } from '../builtins';

export const SERVED_DETAIL = {
  recording: 'replayed from a recording',
  mock: 'served from a mock',
} as const;

export type ServedBy = keyof typeof SERVED_DETAIL;

/** The marker for a recording armed in the hook (a compiled mock carries `mock: true`). */
export const servedDetail = (recording: { mock?: boolean }): string => (recording.mock === true ? SERVED_DETAIL.mock : SERVED_DETAIL.recording);

/** The open record's detail with the marker in front of what else it says. */
export const withServed = (recording: { mock?: boolean }, detail: string | null): string => (detail === null ? servedDetail(recording) : `${servedDetail(recording)}; ${detail}`);

/** What served a captured connection, read from its detail; null when the network did. */
export function servedBy(detail: string | null | undefined): ServedBy | null {
  if (typeof detail !== 'string') return null;
  if (startsWith(detail, SERVED_DETAIL.mock)) return 'mock';
  if (startsWith(detail, SERVED_DETAIL.recording)) return 'recording';
  return null;
}
