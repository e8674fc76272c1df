/**
 * The product's findings: passive flags and the verdicts of the three validation tests, each
 * with the evidence that proves it (connections, events, times, text). Shared by the panel, the
 * check runner and the trace format; computed by the same functions live and from a trace.
 */

/** The three capabilities of a Durable Sessions layer (README, “Findings”). */
export type Capability = 'resilient-delivery' | 'continuity' | 'live-control';

export interface Evidence {
  label: string;
  connectionId?: string;
  /** `TraceEvent.seq` values of the events that show it. */
  eventSeqs?: number[];
  time?: number;
  text?: string;
}

export type FlagId =
  | 'request-bound-stream'
  | 'sse-without-ids'
  | 'bare-abort-stop'
  | 'reconnect-replays'
  | 'sequence-gaps'
  | 'silence-without-heartbeat'
  | 'orchestrator-funnel';

export const SEVERITIES = ['high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Flag {
  id: FlagId;
  severity: Severity;
  /** The capability this sign says is missing (funnelled agents concern every capability). */
  capability: Capability | 'multi-agent';
  message: string;
  evidence: Evidence[];
  /** Anchor of the explanation in the docs (README "Findings"). */
  learnMore: string;
}

/** The three validation tests: the one list that message guards and the trace validator check against. */
export const TEST_IDS = ['reconnect-resume', 'multi-surface', 'second-tab-cancel'] as const;
export type TestId = (typeof TEST_IDS)[number];
export const VERDICT_KINDS = ['pass', 'fail', 'inconclusive'] as const;
export type VerdictKind = (typeof VERDICT_KINDS)[number];

export interface Verdict {
  test: TestId;
  verdict: VerdictKind;
  /** One sentence a user understands: why this verdict. */
  reason: string;
  evidence: Evidence[];
  /** What to change in the app, when it failed. */
  advice: string | null;
}

export const CAPABILITY_OF_TEST: Record<TestId, Capability> = {
  'reconnect-resume': 'resilient-delivery',
  'multi-surface': 'continuity',
  'second-tab-cancel': 'live-control',
};

export const CAPABILITY_NAMES: Record<Capability, string> = {
  'resilient-delivery': 'Resilient Delivery',
  continuity: 'Continuity Across Surfaces',
  'live-control': 'Live Control',
};
