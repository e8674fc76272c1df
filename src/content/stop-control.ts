/**
 * Finds an app's stop control and presses it. The relay runs it in the second tab's top
 * document when a test's `press-stop` command arrives (ISOLATED world: it shares the page's DOM,
 * so the click reaches the app's own handlers), which needs no host permission or injection.
 * Heuristic: a button (or role=button) whose accessible name means stop or cancel, preferring
 * exact names; or the element at the selector the user gave.
 */
import type { StopPress } from '../protocol/panel';

export type StopResult = Omit<StopPress, 'at'>;

export function findAndPressStop(selector: string | null, press = true): StopResult {
  const nameOf = (el: Element): string => {
    const labelled = el.getAttribute('aria-labelledby');
    const byId = labelled ? document.getElementById(labelled)?.textContent : null;
    // `||`, not `??`: a <button>'s `value` is "" and an empty aria-label names nothing.
    const text = el instanceof HTMLInputElement ? el.value : el.textContent;
    return (el.getAttribute('aria-label') || byId || text || el.getAttribute('title') || '').trim().replace(/\s+/g, ' ');
  };
  const visible = (el: Element): boolean => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  let el: Element | null = null;
  if (selector) {
    el = document.querySelector(selector);
  } else {
    const candidates = [...document.querySelectorAll('button, [role="button"], input[type="button"], input[type="submit"]')].filter(visible);
    const exact = /^(stop|cancel|abort|interrupt|stop generating|stop generation|stop response|stop streaming)$/i;
    const loose = /\b(stop|cancel|abort|interrupt)\b/i;
    el = candidates.find((c) => exact.test(nameOf(c))) ?? candidates.find((c) => loose.test(nameOf(c)) && nameOf(c).length <= 40) ?? null;
  }
  if (!el) return { found: false, enabled: false, label: '' };
  const label = nameOf(el) || (selector ?? '');
  const enabled = !(el as HTMLButtonElement).disabled && el.getAttribute('aria-disabled') !== 'true';
  if (enabled && press) (el as HTMLElement).click();
  return { found: true, enabled, label };
}
