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
  if (!Array.isArray(x)) return [];
  const out: InternalErrorReport[] = [];
  for (const r of x.slice(0, INTERNAL_ERROR_LIMITS.places)) {
    if (typeof r !== 'object' || r === null) continue;
    const { where, message, count } = r as Record<string, unknown>;
    if (typeof where !== 'string' || typeof message !== 'string' || !Number.isSafeInteger(count) || (count as number) < 1) continue;
    out.push({ where: where.slice(0, INTERNAL_ERROR_LIMITS.whereLength), message: message.slice(0, INTERNAL_ERROR_LIMITS.messageLength), count: count as number });
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
