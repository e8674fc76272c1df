/**
 * What sending the prompt did, and the verdict when it did nothing: the runner's own failure,
 * said as such, instead of waiting for a generation that was never asked for.
 */
import type { TestId, Verdict } from '../core/analysis/types';

export interface Attempt {
  /** `textarea "Message" + Enter`, `button "Send"`, `form.requestSubmit()`, `--send #go`; for a missing one, what is missing (`no form to submit`). */
  control: string;
  result: 'sent' | 'no-traffic' | 'disabled' | 'failed' | 'missing';
  /** What happened, in words: `no request or socket message within 1.0 s`, `disabled`. */
  detail: string;
}

export type SendOutcome =
  | { sent: true; via: string; traffic: string; attempts: Attempt[] }
  | {
      sent: false;
      /** The label of the input found, or null when none was. */
      input: string | null;
      /** Why nothing could be tried at all (no input found), or null. */
      missing: string | null;
      attempts: Attempt[];
    };

const NOTE: Partial<Record<Attempt['result'], string>> = { disabled: ' (disabled)', failed: ' (could not be used)' };

/** One entry of the reason's list: `button "Send" (disabled)`. */
export function attemptText(a: Attempt): string {
  return `${a.control}${NOTE[a.result] ?? ''}`;
}

const FLAGS = 'Name the input with --input SELECTOR and the send control with --send SELECTOR, or drive the app with --driver FILE.';

export function notSentVerdict(test: TestId, o: Extract<SendOutcome, { sent: false }>): Verdict {
  const tried = o.attempts.map(attemptText).join('; ');
  const reason = o.missing
    ? `The prompt was not sent: ${o.missing}. ${FLAGS}`
    : `The prompt was not sent: ${tried}; none made a request or sent a socket message that carried the prompt. ${FLAGS}`;
  return {
    test,
    verdict: 'inconclusive',
    reason,
    evidence: [...(o.input ? [{ label: `the input: ${o.input}` }] : []), ...o.attempts.map((a) => ({ label: `${a.control}: ${a.detail}` }))],
    advice: null,
  };
}
