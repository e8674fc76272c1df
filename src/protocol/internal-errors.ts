/**
 * Our own code failed (a bug of ours, caught so that the page never sees it). Counted per
 * place and shown in the panel's status and the CLI report, so a failure is seen, never
 * swallowed. From the page's world these arrive untrusted: bounded, display-only.
 */
export interface InternalErrorReport {
  /** Where in our code, e.g. 'hook:fetch' or 'hook:websocket'. */
  where: string;
  /** The first error's message, at most INTERNAL_ERROR_LIMITS.messageLength characters. */
  message: string;
  count: number;
}
export const INTERNAL_ERROR_LIMITS = { places: 32, whereLength: 64, messageLength: 200 } as const;
/** Rebuilds reports from untrusted input: bounded lists and strings, counts as safe integers. */
export function sanitizeInternalErrors(x: unknown): InternalErrorReport[] {
  const out: InternalErrorReport[] = [];
  if (!Array.isArray(x)) return out;
  // Reports of one place are merged: a page posting the same `where` many times gets one row,
  // and the bound on places holds for what it posts, not only for what a well-behaved hook sends.
  const byWhere = new Map<string, InternalErrorReport>();
  try {
    // Only the first entries are looked at: a huge array costs no more than a short one.
    const n = Math.min(x.length, INTERNAL_ERROR_LIMITS.places * 4);
    for (let i = 0; i < n; i++) {
      const item: unknown = x[i];
      if (typeof item !== 'object' || item === null) continue;
      const { where, message, count } = item as Record<string, unknown>;
      if (typeof where !== 'string' || where.length === 0) continue;
      if (typeof count !== 'number' || !Number.isFinite(count) || count < 1) continue;
      const key = where.slice(0, INTERNAL_ERROR_LIMITS.whereLength);
      const safeCount = Math.min(Math.floor(count), Number.MAX_SAFE_INTEGER);
      const seen = byWhere.get(key);
      if (seen) {
        seen.count = Math.min(seen.count + safeCount, Number.MAX_SAFE_INTEGER);
        continue;
      }
      if (byWhere.size >= INTERNAL_ERROR_LIMITS.places) continue;
      const report: InternalErrorReport = {
        where: key,
        message: typeof message === 'string' ? message.slice(0, INTERNAL_ERROR_LIMITS.messageLength) : '',
        count: safeCount,
      };
      byWhere.set(key, report);
      out.push(report);
    }
  } catch {
    // Untrusted input may be a Proxy or carry throwing getters (same-world callers, tests): what
    // was rebuilt before the throw is still sound, the rest is not ours to guess.
  }
  return out;
}

/**
 * Adds reports into a running tally, one entry per place, the first message kept: what the
 * panel shows stays bounded however often a bug fires.
 */
export function addInternalErrors(tally: InternalErrorReport[], reports: readonly InternalErrorReport[]): void {
  for (const r of reports) {
    const known = tally.find((t) => t.where === r.where);
    if (known) known.count = Math.min(Number.MAX_SAFE_INTEGER, known.count + r.count);
    else if (tally.length < INTERNAL_ERROR_LIMITS.places) tally.push({ ...r });
  }
}

/** One caught error as a report: the message read without trusting what was thrown. */
export function reportOf(where: string, error: unknown): InternalErrorReport {
  let message: string;
  try {
    message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    // A thrown value whose toString itself throws (a Proxy, say): its type is all we can say.
    message = `a thrown ${typeof error}`;
  }
  return { where: where.slice(0, INTERNAL_ERROR_LIMITS.whereLength), message: message.slice(0, INTERNAL_ERROR_LIMITS.messageLength), count: 1 };
}
