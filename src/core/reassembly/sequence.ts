/**
 * Gap and repeat detection over ids a stream hands out (sequence numbers, event ids like
 * `evt-41`, offsets). Ids are compared numerically when they all share a prefix and end in an
 * integer; otherwise only repeats can be told.
 */
import type { ResumeHandle } from '../protocols/types';

export interface SequenceGap {
  /** Position (in the input) of the value that came after the gap. */
  index: number;
  after: string;
  next: string;
  /** Missing values, at most `maxListed` of them; `missingCount` has the full number. */
  missing: string[];
  missingCount: number;
}

export interface SequenceReport {
  numeric: boolean;
  count: number;
  gaps: SequenceGap[];
  /** Values seen before, with where they first appeared. */
  repeats: Array<{ index: number; value: string; firstIndex: number }>;
  /** New values smaller than one already seen (out of order, never a repeat). */
  backwards: Array<{ index: number; value: string; previous: string }>;
}

export interface SequenceOptions {
  /** False for offsets and cursors whose steps are not 1: only repeats and backwards count. */
  contiguous?: boolean;
  maxListed?: number;
}

export interface NumericId {
  prefix: string;
  n: number;
  width: number;
}

export function numericId(v: string | number): NumericId | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { prefix: '', n: v, width: 0 } : null;
  const m = /^(.*?)(\d{1,15})$/.exec(v);
  return m ? { prefix: m[1]!, n: Number(m[2]), width: m[2]!.startsWith('0') && m[2]!.length > 1 ? m[2]!.length : 0 } : null;
}

export function formatId(id: NumericId, n: number): string {
  return id.prefix + String(n).padStart(id.width, '0');
}

/** Numeric forms of all values when they share one prefix, else null. */
export function numericIds(values: Array<string | number>): NumericId[] | null {
  const ids = values.map(numericId);
  if (ids.length === 0 || ids.some((x) => x === null)) return null;
  const prefix = ids[0]!.prefix;
  return ids.every((x) => x!.prefix === prefix) ? (ids as NumericId[]) : null;
}

export function checkSequence(input: Array<string | number | ResumeHandle>, opts: SequenceOptions = {}): SequenceReport {
  const values = input.map((v) => (typeof v === 'object' ? v.value : v));
  const contiguous = opts.contiguous ?? true;
  const maxListed = opts.maxListed ?? 100;
  const nums = numericIds(values);
  const report: SequenceReport = { numeric: nums !== null, count: values.length, gaps: [], repeats: [], backwards: [] };
  const firstSeen = new Map<string, number>();
  let max: NumericId | null = null;
  values.forEach((raw, index) => {
    const value = String(raw);
    const key = nums ? String(nums[index]!.n) : value;
    const seenAt = firstSeen.get(key);
    if (seenAt !== undefined) {
      report.repeats.push({ index, value, firstIndex: seenAt });
      return;
    }
    firstSeen.set(key, index);
    if (!nums) return;
    const cur = nums[index]!;
    if (max && cur.n < max.n) report.backwards.push({ index, value, previous: formatId(max, max.n) });
    else if (max && contiguous && cur.n > max.n + 1) {
      const missingCount = cur.n - max.n - 1;
      const missing: string[] = [];
      for (let n = max.n + 1; n < cur.n && missing.length < maxListed; n++) missing.push(formatId(cur, n));
      report.gaps.push({ index, after: formatId(max, max.n), next: value, missing, missingCount });
    }
    if (!max || cur.n > max.n) max = cur;
  });
  return report;
}
