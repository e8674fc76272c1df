/**
 * Which element is the app's chat input, and which button sends it: ranking of candidates the
 * page described (controls-dom.ts), and the names the report gives them. Pure, so the guesses
 * can be tested without a browser.
 */

/** Elements that can hold a prompt. */
export const INPUT_SELECTOR = 'textarea, input:not([type]), input[type="text"], input[type="search"], [contenteditable]:not([contenteditable="false"]), [role="textbox"]';
/** Elements that can send one. */
export const BUTTON_SELECTOR = 'button, [role="button"], input[type="submit"], input[type="button"], input[type="image"]';

export type ControlKind = 'textarea' | 'input' | 'contenteditable' | 'textbox' | 'button';

export interface ElementInfo {
  kind: ControlKind;
  /** The `type` attribute, lower case ('' without one). */
  type: string;
  /** The accessible name, roughly as a screen reader announces it ('' without one). */
  name: string;
  placeholder: string;
  /** id, name, class and test id: developers' words, which often say "chat input". */
  hints: string;
  visible: boolean;
  enabled: boolean;
  /** Inside another editable element: only the editing host takes input. */
  nested: boolean;
  inForm: boolean;
  /** The default (first) submit button of the composer's form. */
  formSubmit: boolean;
  /** In the same form as the composer. */
  sameForm: boolean;
  focused: boolean;
  /** The gap between this element's box and the composer's, in CSS px (0 when they touch or overlap, or without a composer). */
  distance: number;
  rect: { x: number; y: number; width: number; height: number };
  viewport: { width: number; height: number };
}

const CHAT_WORDS = /\b(message|ask|prompt|type|chat|question|write|reply|say|talk|send|compose)/i;
const CHAT_HINTS = /prompt|chat|composer|message|question/i;
const OTHER_WORDS = /\b(search|find|filter|e-?mail|password|user ?name|log ?in|sign ?in|url|address|phone|subject|title|coupon|zip)/i;
const BASE: Record<ControlKind, number> = { textarea: 30, contenteditable: 30, textbox: 20, input: 10, button: 0 };

const clamp01 = (n: number): number => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);

/** How likely an element is the chat input; null when it cannot be one (hidden, disabled…). */
export function inputScore(i: ElementInfo): number | null {
  if (i.kind === 'button' || !i.visible || !i.enabled || i.nested) return null;
  let score = BASE[i.kind];
  if (i.type === 'search') score -= 10;
  if (i.inForm) score += 10;
  const words = `${i.name} ${i.placeholder}`;
  if (CHAT_WORDS.test(words)) score += 25;
  else if (CHAT_HINTS.test(i.hints)) score += 15;
  if (OTHER_WORDS.test(words) || OTHER_WORDS.test(i.hints)) score -= 30;
  if (i.focused) score += 5;
  // Chat composers are wide and sit at the bottom of the view.
  score += 10 * clamp01(i.rect.width / i.viewport.width);
  score += 10 * clamp01((i.rect.y + i.rect.height / 2) / i.viewport.height);
  return score;
}

/** Indices of the usable inputs, most likely chat input first. */
export function rankInputs(infos: ElementInfo[]): number[] {
  return infos
    .map((info, index) => ({ index, score: inputScore(info) }))
    .filter((c): c is { index: number; score: number } => c.score !== null)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((c) => c.index);
}

const SEND_NAME = /\b(send|submit|ask)\b|[→➤➔➜➡⮕↑⬆↵⏎]/iu;
const NOT_SEND = /\b(stop|cancel|abort|clear|delete|attach|upload|voice|record)\b/i;

export function namesSend(name: string): boolean {
  return SEND_NAME.test(name) && !NOT_SEND.test(name) && name.length <= 40;
}

/** A Send button further from the input than this belongs to something else (a feedback form). */
export const NEAR_PX = 200;

/**
 * Indices of visible buttons whose name says send and that belong with the composer (same form,
 * or near it), nearest first. Disabled ones too: the report names them.
 */
export function rankButtons(infos: ElementInfo[]): number[] {
  return infos
    .map((info, index) => ({ info, index }))
    .filter(({ info }) => info.kind === 'button' && info.visible && namesSend(info.name) && (info.sameForm || info.distance <= NEAR_PX))
    .sort((a, b) => Number(b.info.sameForm) - Number(a.info.sameForm) || a.info.distance - b.info.distance || a.index - b.index)
    .map((c) => c.index);
}

const short = (s: string): string => (s.length > 40 ? `${s.slice(0, 39)}…` : s);

/** `textarea "Message"`, `button "Send"`, `search input "Search docs"`, `contenteditable`. */
export function controlLabel(i: Pick<ElementInfo, 'kind' | 'type' | 'name' | 'placeholder'>): string {
  const kind = i.kind === 'input' && i.type === 'search' ? 'search input' : i.kind;
  const name = i.name || i.placeholder;
  return name ? `${kind} "${short(name)}"` : kind;
}

/** The same label with typographic quotes, for prose (`button “Send”`). */
export function curly(label: string): string {
  return label.replace(/"([^"]*)"/g, '“$1”');
}
