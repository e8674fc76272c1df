/**
 * A connection's resume handles as the Output view lists them: one entry per kind, in order of
 * first appearance, with the last value seen (the one a client would resume from) and how many
 * distinct values of that kind the stream carried.
 */
import type { ResumeHandle } from '../../src/core/protocols';

export interface HandleSummary {
  kind: ResumeHandle['kind'];
  last: string;
  count: number;
}

export function summarizeHandles(handles: readonly ResumeHandle[]): HandleSummary[] {
  const byKind = new Map<ResumeHandle['kind'], HandleSummary>();
  for (const h of handles) {
    const s = byKind.get(h.kind);
    if (s) {
      s.last = h.value;
      s.count++;
    } else byKind.set(h.kind, { kind: h.kind, last: h.value, count: 1 });
  }
  return [...byKind.values()];
}
