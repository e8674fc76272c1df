/**
 * Telling the hook's records from any that claim another origin. The page cannot reach the
 * hook's private port (src/hook/channel.ts), so this is depth behind that wall: the first batch
 * pins the hook's id, and later records from another id, or naming connections outside the
 * hook's id space, cannot be verified. They are kept (the page can only talk about itself) but
 * renamed `untrusted~…` so the panel marks them, and their page signals and fault records are
 * dropped.
 */
import type { CaptureRecord } from '../core/trace/records';
import type { FrameColumns } from '../core/trace/frame-columns';
import { UNTRUSTED_PREFIX, PAGE_CONN } from '../core/trace/model';

export interface HookIdentity {
  /** Filters one batch; the first batch pins the hook id. */
  check(hook: string, records: CaptureRecord[]): CaptureRecord[];
  /**
   * The same for a batch that has frames as columns: the frames' connections are renamed as
   * records' are, and the places of the records dropped leave `at` with them.
   */
  checkBatch(hook: string, records: CaptureRecord[], frames: FrameColumns | null): { records: CaptureRecord[]; frames: FrameColumns | null };
  /** Whether a batch comes from the pinned (real) hook: only its error reports are kept. */
  pinned(hook: string): boolean;
}

export function createHookIdentity(): HookIdentity {
  let pinned: string | null = null;
  const ours = (hook: string, conn: string): boolean => hook === pinned && (conn === PAGE_CONN || conn.startsWith(`${pinned}-`));
  const checkBatch: HookIdentity['checkBatch'] = (hook, records, frames) => {
    pinned ??= hook;
    const out: CaptureRecord[] = [];
    const at: number[] = [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (ours(hook, r.conn)) out.push(r);
      else if (r.type !== 'page' && r.type !== 'fault') out.push({ ...r, conn: `${UNTRUSTED_PREFIX}${r.conn}` });
      else continue;
      if (frames) at.push(frames.at[i]!);
    }
    let renamed: FrameColumns | null = null;
    if (frames) {
      const conns: string[] = [];
      for (let i = 0; i < frames.conns.length; i++) conns.push(ours(hook, frames.conns[i]!) ? frames.conns[i]! : `${UNTRUSTED_PREFIX}${frames.conns[i]!}`);
      renamed = { ...frames, conns, at };
    }
    return { records: out, frames: renamed };
  };
  return {
    check: (hook, records) => checkBatch(hook, records, null).records,
    checkBatch,
    pinned: (hook) => pinned !== null && hook === pinned,
  };
}
