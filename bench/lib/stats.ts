/** Small statistics for repeated measurements: median and spread, percentiles. */

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  /** Half the interquartile range relative to the median, in percent (a robust spread). */
  spreadPct: number;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(xs: number[]): Summary {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return { n: 0, median: NaN, min: NaN, max: NaN, spreadPct: NaN };
  const median = quantile(s, 0.5);
  const iqr = quantile(s, 0.75) - quantile(s, 0.25);
  return { n: s.length, median, min: s[0]!, max: s.at(-1)!, spreadPct: median === 0 ? 0 : (iqr / 2 / Math.abs(median)) * 100 };
}

export function percentiles(xs: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: quantile(s, 0.5), p95: quantile(s, 0.95), p99: quantile(s, 0.99), max: s.at(-1) ?? NaN };
}

/** Median of per-repetition ratios (each rep pairs arms run back to back, which cancels drift). */
export function pairedRatio(num: number[], den: number[]): Summary {
  const r: number[] = [];
  for (let i = 0; i < Math.min(num.length, den.length); i++) if (den[i]! > 0) r.push(num[i]! / den[i]!);
  return summarize(r);
}

export const round = (x: number, digits = 1): number => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);
