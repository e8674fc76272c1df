/** The verdict when the runner could not send the prompt: the true reason, what was tried, which flags help. */
import { describe, expect, it } from 'vitest';
import { attemptText, notSentVerdict } from '../../../src/cli/send-outcome';

describe('notSentVerdict', () => {
  it('lists the controls tried and names the flags that take over', () => {
    const v = notSentVerdict('multi-surface', {
      sent: false,
      input: 'textarea "Message"',
      missing: null,
      attempts: [
        { control: 'textarea "Message" + Enter', result: 'no-traffic', detail: 'no request or socket message within 1.0 s' },
        { control: 'button "Send"', result: 'disabled', detail: 'disabled, so not pressed' },
        { control: 'form.requestSubmit()', result: 'no-traffic', detail: 'no request or socket message within 1.0 s' },
      ],
    });
    expect(v).toMatchObject({ test: 'multi-surface', verdict: 'inconclusive', advice: null });
    expect(v.reason).toBe(
      'The prompt was not sent: textarea "Message" + Enter; button "Send" (disabled); form.requestSubmit(); none made a request or sent a socket message that carried the prompt. ' +
        'Name the input with --input SELECTOR and the send control with --send SELECTOR, or drive the app with --driver FILE.',
    );
    expect(v.evidence.map((e) => e.label)).toEqual([
      'the input: textarea "Message"',
      'textarea "Message" + Enter: no request or socket message within 1.0 s',
      'button "Send": disabled, so not pressed',
      'form.requestSubmit(): no request or socket message within 1.0 s',
    ]);
  });

  it('says when no input was found at all', () => {
    const v = notSentVerdict('reconnect-resume', { sent: false, input: null, missing: 'no input was found (no visible, enabled textarea, contenteditable or text input)', attempts: [] });
    expect(v.reason).toMatch(/^The prompt was not sent: no input was found \(.*\)\. Name the input with --input SELECTOR .* --driver FILE\.$/);
    expect(v.evidence).toEqual([]);
  });

  it('marks controls that failed or were missing', () => {
    expect(attemptText({ control: 'button "Send"', result: 'failed', detail: 'Timeout' })).toBe('button "Send" (could not be used)');
    expect(attemptText({ control: 'no form to submit', result: 'missing', detail: 'the input is in no form' })).toBe('no form to submit');
  });
});
