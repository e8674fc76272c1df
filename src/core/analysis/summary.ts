/**
 * The summary badge: does this session show the Single-Connection Trap, and which
 * capabilities are missing. Yes when a test failed or a high-severity flag names a missing
 * capability; no only when all three tests passed with no high flag and nothing of ours failed
 * on the way (a flag check that threw found nothing, which is not evidence); unknown otherwise.
 */
import { CAPABILITY_NAMES, CAPABILITY_OF_TEST, type Capability, type Flag, type Verdict } from './types';

export interface TrapSummary {
  trapped: boolean | null;
  missing: Capability[];
  text: string;
}

/** `failures`: what of our own analysis failed, in words ("the flag checks threw: …"). */
export function trapSummary(flags: Flag[], verdicts: Verdict[], failures: readonly string[] = []): TrapSummary {
  const missing = new Set<Capability>();
  for (const v of verdicts) if (v.verdict === 'fail') missing.add(CAPABILITY_OF_TEST[v.test]);
  for (const f of flags) if (f.severity === 'high' && f.capability !== 'multi-agent') missing.add(f.capability);
  const list = [...missing];
  if (list.length > 0) {
    return { trapped: true, missing: list, text: `Single-Connection Trap: yes — missing ${list.map((c) => CAPABILITY_NAMES[c]).join(', ')}` };
  }
  if (failures.length > 0) return { trapped: null, missing: [], text: `Single-Connection Trap: unknown — ${failures.join('; ')}` };
  const passed = new Set(verdicts.filter((v) => v.verdict === 'pass').map((v) => v.test));
  if (passed.size === 3) return { trapped: false, missing: [], text: 'Single-Connection Trap: no — all three tests passed' };
  return { trapped: null, missing: [], text: 'Single-Connection Trap: unknown — run the three tests' };
}
