/**
 * Telling the hook's records from any that claim another origin. The page cannot reach the
 * hook's private port (src/hook/channel.ts), so this is depth behind that wall: the first batch
 * pins the hook's id, and later records from another id, or naming connections outside the
 * hook's id space, cannot be verified. They are kept (the page can only talk about itself) but
 * renamed `untrusted~…` so the panel marks them, and their page signals and fault records are
 * dropped.
 */
import type { CaptureRecord } from '../core/trace/records';
import { UNTRUSTED_PREFIX, PAGE_CONN } from '../core/trace/model';

export interface HookIdentity {
  /** Filters one batch; the first batch pins the hook id. */
  check(hook: string, records: CaptureRecord[]): CaptureRecord[];
  /** Whether a batch comes from the pinned (real) hook: only its error reports are kept. */
  pinned(hook: string): boolean;
}

export function createHookIdentity(): HookIdentity {
  let pinned: string | null = null;
  return {
    check(hook, records) {
      pinned ??= hook;
      const trusted = hook === pinned;
      const out: CaptureRecord[] = [];
      for (const r of records) {
        const ours = trusted && (r.conn === PAGE_CONN || r.conn.startsWith(`${pinned}-`));
        if (ours) out.push(r);
        else if (r.type !== 'page' && r.type !== 'fault') out.push({ ...r, conn: `${UNTRUSTED_PREFIX}${r.conn}` });
      }
      return out;
    },
    pinned: (hook) => pinned !== null && hook === pinned,
  };
}
