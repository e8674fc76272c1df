/**
 * The relay's numbered batches, and the last few kept for re-sending. When the background's
 * service worker dies, batches it received but had not yet stored are lost with it; on
 * reconnect it says which batch it has last, and the relay sends the rest again from here.
 * What is no longer here is reported by the background as lost, never silently dropped.
 */
import type { CaptureRecord } from '../core/trace/records';
import type { FrameColumns } from '../core/trace/frame-columns';
import type { InternalErrorReport } from '../protocol/internal-errors';

const KEEP = 200;

export interface Batch {
  seq: number;
  records: CaptureRecord[];
  /** Its data frames, as columns (core/trace/frame-columns.ts). */
  frames: FrameColumns | null;
  /** The hook's failures reported with these records. */
  errors: InternalErrorReport[];
}

export interface Batches {
  next(): number;
  add(records: CaptureRecord[], frames: FrameColumns | null, errors?: InternalErrorReport[]): Batch;
  after(seq: number): Batch[];
}

export function createBatches(): Batches {
  let seq = 0;
  const ring: Batch[] = [];
  return {
    next: () => seq + 1,
    add(records, frames, errors = []) {
      const b = { seq: (seq += 1), records, frames, errors };
      ring.push(b);
      if (ring.length > KEEP) ring.shift();
      return b;
    },
    after: (s) => ring.filter((b) => b.seq > s),
  };
}
