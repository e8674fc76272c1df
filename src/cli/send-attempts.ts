/**
 * Zero-config sending: find the composer, type the prompt, then do what a user would until the
 * page sends something: Enter, the form's submit button, a button named Send, form.requestSubmit().
 * An attempt counts only when traffic follows it (traffic.ts); when none does, the outcome lists
 * what was tried, within seconds, so the report says the runner failed to send, not the app.
 */
import type { ElementHandle, Page } from 'playwright-core';
import { BUTTON_SELECTOR, INPUT_SELECTOR, controlLabel, curly, rankButtons, rankInputs, type ElementInfo } from './composer';
import { describeElements, editableState, requestSubmit } from './controls-dom';
import { inPage } from './page-fn';
import { carriesPrompt, looksLikeSend, type Traffic, type TrafficWatch } from './traffic';
import type { Attempt, SendOutcome } from './send-outcome';

export interface SendOptions {
  /** --input: the input's selector instead of the search. */
  input: string | null;
  /** --send: the send control's selector instead of the attempts. */
  send: string | null;
  traffic: TrafficWatch;
}

/**
 * Milliseconds. A click becomes a request within tens of ms even on a busy machine; the sum of
 * the waits keeps "not sent" well under 10 s from page load.
 */
const WAIT = { composer: 5000, attempt: 1000, cleared: 2000, override: 3000, action: 1500 };

type Found = { handle: ElementHandle; info: ElementInfo };

// Typed loosely for Playwright: its argument type recursion cannot follow handles inside DOM types.
const describe = inPage(describeElements) as (arg: unknown) => ElementInfo[];
const stateOf = inPage(editableState);
const submitForm = inPage(requestSubmit);

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();

async function survey(page: Page, selector: string, composer: ElementHandle | null): Promise<Found[]> {
  const handles = await page.locator(selector).elementHandles();
  const infos = await page.evaluate(describe, { els: handles, composer } as unknown);
  return handles.map((handle, i) => ({ handle, info: infos[i]! }));
}

const dispose = (found: Found[], keep: Found | null): Promise<unknown> => Promise.all(found.filter((f) => f !== keep).map((f) => f.handle.dispose().catch(() => undefined)));

/** The chat input: the named one (--input), or the best-ranked candidate; waits a little for an app that renders late. */
async function findComposer(page: Page, selector: string | null): Promise<Found | null> {
  const deadline = Date.now() + WAIT.composer;
  for (;;) {
    // A page still navigating (client redirects) destroys the context mid-survey: look again.
    const found = await survey(page, selector ?? INPUT_SELECTOR, null).catch(() => []);
    const pick = (selector ? found.find((f) => f.info.visible) : found[rankInputs(found.map((f) => f.info))[0] ?? -1]) ?? null;
    await dispose(found, pick);
    if (pick || Date.now() >= deadline) return pick;
    await page.waitForTimeout(150);
  }
}

export async function sendPrompt(page: Page, prompt: string, opts: SendOptions): Promise<SendOutcome> {
  // A user types in the tab in front. Behind the control page, animation frames are throttled
  // and Playwright's click would wait for ever for the button to be "stable".
  await page.bringToFront();
  const composer = await findComposer(page, opts.input);
  if (!composer) {
    const missing = opts.input ? `nothing visible matches --input ${opts.input}` : 'no input was found (no visible, enabled textarea, contenteditable or text input)';
    return { sent: false, input: null, missing, attempts: [] };
  }
  const buttons: Found[] = [];
  try {
    return await attemptAll(page, prompt, opts, composer, buttons);
  } finally {
    await dispose([composer, ...buttons], null);
  }
}

async function attemptAll(page: Page, prompt: string, opts: SendOptions, composer: Found, buttons: Found[]): Promise<SendOutcome> {
  const input = controlLabel(composer.info);
  const attempts: Attempt[] = [];
  const notSent = (): SendOutcome => ({ sent: false, input, missing: null, attempts });
  const sent = (control: string, t: Traffic): SendOutcome => ({ sent: true, via: curly(control), traffic: t.what, attempts });
  const state = () => composer.handle.evaluate(stateOf).catch(() => ({ connected: false, text: '' }));
  try {
    // Focus it as a user would; fill works without, so a covered input is no reason to stop.
    await composer.handle.click({ timeout: WAIT.action }).catch(() => undefined);
    await composer.handle.fill(prompt, { timeout: WAIT.action });
  } catch (e) {
    attempts.push({ control: `typing into ${input}`, result: 'failed', detail: firstLine(e) });
    return notSent();
  }
  const baseline = opts.traffic.baseline();
  // Traffic with the prompt in it is the send. Other new traffic also follows a key press on a
  // page still starting (a socket finishing its upgrade, a typing indicator): it counts only once
  // the app has taken the prompt from its input.
  const carries = (t: Traffic): boolean => carriesPrompt(t.text(), prompt);
  const ok = (t: Traffic): boolean => looksLikeSend(t, baseline, prompt);
  // An earlier attempt may have added a line (Enter in a textarea) or emptied the input.
  const refill = async (): Promise<void> => {
    const s = await state();
    if (s.connected && s.text !== prompt) await composer.handle.fill(prompt, { timeout: WAIT.action }).catch(() => undefined);
  };
  const attempt = async (control: string, act: () => Promise<unknown>, waitMs: number): Promise<Traffic | null> => {
    if (attempts.length) await refill();
    const mark = opts.traffic.mark();
    let error: string | null = null;
    await act().catch((e: unknown) => (error = firstLine(e)));
    let seen = await opts.traffic.next(mark, error ? 0 : waitMs, carries);
    // An app that emptied (or replaced) its input took the prompt: its request may be slow to
    // leave, and may not show the prompt (a binary frame, a streamed body).
    if (!seen && !error) {
      const s = await state();
      if (!s.connected || s.text.trim() === '') seen = await opts.traffic.next(mark, WAIT.cleared, ok);
    }
    if (seen) attempts.push({ control, result: 'sent', detail: `then ${seen.what}` });
    else if (error) attempts.push({ control, result: 'failed', detail: error });
    else {
      const other = await opts.traffic.next(mark, 0, ok);
      const within = `within ${(waitMs / 1000).toFixed(1)} s`;
      const detail = other ? `only ${other.what} followed ${within}, without the prompt, and the input kept it` : `no request or socket message ${within}`;
      attempts.push({ control, result: 'no-traffic', detail });
    }
    return seen;
  };

  if (opts.send) {
    const selector = opts.send;
    const control = `--send ${selector}`;
    const t = await attempt(control, () => page.locator(selector).first().click({ timeout: WAIT.override }), WAIT.override);
    return t ? sent(control, t) : notSent();
  }

  const enter = `${input} + Enter`;
  let t = await attempt(enter, () => composer.handle.press('Enter', { timeout: WAIT.action }), WAIT.attempt);
  if (t) return sent(enter, t);

  // Buttons as they are with the prompt typed: many enable Send only then.
  await refill();
  buttons.push(...(await survey(page, BUTTON_SELECTOR, composer.handle).catch(() => [])));
  const formButton = buttons.find((b) => b.info.formSubmit && b.info.visible) ?? null;
  const named = rankButtons(buttons.map((b) => b.info)).map((i) => buttons[i]!).find((b) => b !== formButton) ?? null;
  for (const b of [formButton, named]) {
    if (!b) continue;
    const label = controlLabel(b.info);
    if (!b.info.enabled) {
      attempts.push({ control: label, result: 'disabled', detail: 'disabled, so not pressed' });
      continue;
    }
    t = await attempt(label, () => b.handle.click({ timeout: WAIT.action }), WAIT.attempt);
    if (t) return sent(label, t);
  }
  if (!formButton && !named) attempts.push({ control: 'no button named Send, Submit or Ask', result: 'missing', detail: 'none is visible' });

  if (composer.info.inForm) {
    t = await attempt('form.requestSubmit()', () => composer.handle.evaluate(submitForm), WAIT.attempt);
    if (t) return sent('form.requestSubmit()', t);
  } else attempts.push({ control: 'no form to submit', result: 'missing', detail: 'the input is in no form' });
  return notSent();
}
