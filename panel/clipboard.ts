/**
 * Copying from a DevTools panel: the async Clipboard API can be refused in the panel's frame
 * (no user activation after an await, permissions policy), so a selected hidden textarea and
 * execCommand('copy') is the fallback, as DevTools' own front-end still does.
 */
import { signal } from '@preact/signals';

/** The last confirmation to show ("Copied cURL command"), cleared after a moment. */
export const copiedNote = signal<string | null>(null);
let noteTimer: ReturnType<typeof setTimeout> | undefined;

function legacyCopy(text: string): boolean {
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  const active = document.activeElement as HTMLElement | null;
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  active?.focus({ preventScroll: true });
  return ok;
}

export async function copyText(text: string, what: string): Promise<boolean> {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    ok = legacyCopy(text);
  }
  showNote(ok ? `Copied ${what}` : `Could not copy ${what}`);
  return ok;
}

/** A short confirmation in the panel's toast (copies, armed replays…). */
export function showNote(text: string, ms = 2000): void {
  copiedNote.value = text;
  clearTimeout(noteTimer);
  noteTimer = setTimeout(() => (copiedNote.value = null), ms);
}
