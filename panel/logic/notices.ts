/**
 * What the panel says about capture itself: is the tab recorded, is storage healthy, what can
 * it not see. Pure, so each sentence is tested; the views only place them.
 */
import type { StorageStatus } from '../../src/core/trace/session';
import type { PageSignalEvent } from '../../src/core/trace/model';
import type { JoinedLate } from '../../src/core/trace/records';
import type { CaptureState as BackgroundCaptureState } from '../../src/protocol/panel';
import type { InternalErrorReport } from '../../src/protocol/internal-errors';

/** The part of the background's capture-state the status line and banners read. */
export type CaptureState = Pick<BackgroundCaptureState, 'recording' | 'recordOnLoad' | 'origin' | 'storage'>;

export interface Indicator {
  label: string;
  cls: 'recording' | 'dormant' | 'uncapturable' | 'stored' | 'imported';
  title: string;
}

export function indicatorOf(state: CaptureState | null, source: 'live' | 'stored' | 'imported'): Indicator {
  if (source === 'stored') return { label: '■ Stored session', cls: 'stored', title: 'Showing a stored session, read-only' };
  if (source === 'imported') return { label: '■ Imported trace', cls: 'imported', title: 'Showing an imported file, read-only' };
  if (state && state.origin === null) return { label: 'Not capturable', cls: 'uncapturable', title: 'This page (e.g. a chrome:// page) cannot be captured' };
  if (state && !state.recording) return { label: '○ Dormant', cls: 'dormant', title: 'Hooks are installed but not recording this tab' };
  return { label: '● Recording', cls: 'recording', title: 'Capturing streams of the inspected tab' };
}

/** The storage banner, or null while storage is fine. */
export function storageBanner(s: StorageStatus | undefined): string | null {
  if (!s || s.ok) return null;
  const err = s.error ? ` (${s.error})` : '';
  const lost = s.lostEvents > 0 ? `${s.lostEvents} event${s.lostEvents === 1 ? '' : 's'} could not be saved` : `${s.pendingEvents} event${s.pendingEvents === 1 ? '' : 's'} waiting to be saved`;
  const full = /quota/i.test(s.error ?? '');
  return `${full ? 'Storage full' : 'Storage failing'}: ${lost}${err}. The live view still shows them; a stored session will miss them.`;
}

/**
 * What to say about streams opened before the panel: the page loaded while its hooks were
 * dormant (no navigation seen since the panel subscribed) and the origin does not record from
 * page load. Streams still open then joined the capture late (`late`: what each missed); only
 * those that lost their start, and streams that had already ended, call for a reload.
 */
export function dormantNote(state: CaptureState | null, loadedBeforePanel: boolean, late: readonly JoinedLate[] = []): string | null {
  if (!state || state.origin === null || state.recordOnLoad || !loadedBeforePanel) return null;
  const incomplete = late.filter((j) => j.missedFrames > 0).length;
  const gapped = late.filter((j) => j.missedFrames === 0 && j.uncounted === true).length;
  const streams = (n: number) => `${n} stream${n === 1 ? '' : 's'}`;
  if (incomplete > 0) {
    return `${streams(incomplete)} opened before the panel joined late and ${incomplete === 1 ? 'misses its' : 'miss their'} start — reload the page with Record from page load on to capture from the start.`;
  }
  if (gapped > 0) {
    return `${streams(gapped)} opened before the panel joined late with a gap: the inspector stops listening to a stream after its first frames while no panel is open — reload the page with Record from page load on to capture ${gapped === 1 ? 'it' : 'them'} whole.`;
  }
  if (late.length > 0) {
    return `${streams(late.length)} opened before the panel joined late, complete from ${late.length === 1 ? 'its' : 'their'} first byte. Streams that had already ended before the panel was open are not captured.`;
  }
  return 'Streams that ended before the panel was open are not captured (streams still open join when it opens) — reload the page with Record from page load on to capture from the start.';
}

export function workersNote(signals: PageSignalEvent[]): string | null {
  const workers = new Set(signals.filter((s) => s.signal === 'worker').map((s) => s.detail ?? `${s.docId}:${s.time}`));
  if (workers.size === 0) return null;
  return `This page started ${workers.size} worker${workers.size === 1 ? '' : 's'}: streams inside workers are not captured.`;
}

/** Requests made in a frame before the hook could install there (the detail names each one). */
export function framesNote(signals: PageSignalEvent[]): string | null {
  const missed = new Set(signals.filter((s) => s.signal === 'frame').map((s) => s.detail ?? `${s.docId}:${s.time}`));
  if (missed.size === 0) return null;
  const [first] = missed;
  const more = missed.size > 1 ? ` and ${missed.size - 1} more` : '';
  return `A frame the capture cannot reach: ${first}${more}. Streams there are not captured.`;
}

/**
 * Our own failures, in the page's hook or the background: the capture may be missing what the
 * failing code would have recorded, so the panel says so instead of looking complete.
 */
export function internalErrorsBanner(errors: readonly InternalErrorReport[]): string | null {
  if (errors.length === 0) return null;
  const total = errors.reduce((n, e) => n + e.count, 0);
  const first = errors[0]!;
  const places = errors.length === 1 ? first.where : `${first.where} and ${errors.length - 1} other place${errors.length === 2 ? '' : 's'}`;
  return `The inspector's own code failed ${total} time${total === 1 ? '' : 's'} (${places}: ${first.message}). What it shows may be incomplete; the page was not affected.`;
}

/**
 * What capture itself lost: batches gone in a worker restart, records not taken while nothing
 * recorded, payloads dropped to stay in the tab's byte budget. The newest of each kind is said.
 */
export function captureLossNote(signals: readonly PageSignalEvent[]): string | null {
  const lost = signals.filter((s) => s.signal === 'capture-lost' || s.signal === 'capture-paused');
  if (lost.length === 0) return null;
  const latest = lost.at(-1)!;
  return `Capture is incomplete: ${latest.detail ?? 'records were lost'}${lost.length > 1 ? ` (and ${lost.length - 1} earlier loss${lost.length === 2 ? '' : 'es'})` : ''}.`;
}
