/**
 * Runs in the page (through inPage) and in happy-dom in the unit tests: describes candidate
 * inputs and buttons, so that the ranking (composer.ts) happens in Node where it can be tested.
 * Self-contained: only its source text reaches the page. It reads the DOM and changes nothing.
 */
import type { ControlKind, ElementInfo } from './composer';

export function describeElements(arg: { els: Element[]; composer: Element | null }): ElementInfo[] {
  const clean = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();
  const formOf = (el: Element | null): HTMLFormElement | null => (el ? ((el as HTMLInputElement).form ?? el.closest('form')) : null);
  // Text as an accessible name reads it: image alts and SVG titles count, form fields do not.
  const textOf = (node: Node, withHidden: boolean): string => {
    let s = '';
    node.childNodes.forEach((child) => {
      if (child.nodeType === 3) s += child.textContent ?? '';
      if (child.nodeType !== 1) return;
      const e = child as Element;
      const tag = e.tagName.toLowerCase();
      if (['script', 'style', 'textarea', 'input', 'select'].includes(tag)) return;
      if (!withHidden && e.getAttribute('aria-hidden') === 'true') return;
      if (tag === 'img') s += ` ${e.getAttribute('alt') ?? ''} `;
      else if (tag === 'svg') s += ` ${e.querySelector('title')?.textContent ?? ''} `;
      else s += textOf(e, withHidden);
    });
    return s;
  };
  const labelledBy = (el: Element): string =>
    clean((el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean).map((id) => {
      const target = el.ownerDocument.getElementById(id);
      return target ? textOf(target, true) : '';
    }).join(' '));
  const kindOf = (el: Element): ControlKind => {
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute('type') ?? '').toLowerCase();
    if (tag === 'textarea') return 'textarea';
    if (tag === 'button' || el.getAttribute('role') === 'button' || (tag === 'input' && ['submit', 'button', 'image', 'reset'].includes(type))) return 'button';
    if (tag === 'input') return 'input';
    if (el.hasAttribute('contenteditable') && el.getAttribute('contenteditable') !== 'false') return 'contenteditable';
    return 'textbox';
  };
  const placeholderOf = (el: Element): string =>
    clean(el.getAttribute('placeholder') || el.getAttribute('aria-placeholder') || el.getAttribute('data-placeholder') || el.querySelector('[data-placeholder]')?.getAttribute('data-placeholder'));
  const nameOf = (el: Element, kind: ControlKind): string => {
    const given = labelledBy(el) || clean(el.getAttribute('aria-label'));
    if (given) return given;
    if (kind === 'button') {
      if (el.tagName.toLowerCase() === 'input') {
        const type = (el.getAttribute('type') ?? '').toLowerCase();
        return clean((el as HTMLInputElement).value) || (type === 'image' ? clean(el.getAttribute('alt')) : type === 'submit' ? 'Submit' : '') || clean(el.getAttribute('title'));
      }
      // An icon's text is often hidden from assistive tech; it still says what the button does.
      return clean(textOf(el, false)) || clean(el.getAttribute('title')) || clean(textOf(el, true));
    }
    const labels = (el as HTMLInputElement).labels;
    const labelText = labels ? clean(Array.from(labels).map((l) => textOf(l, true)).join(' ')) : '';
    return labelText || clean(el.getAttribute('title')) || placeholderOf(el);
  };
  const visibleOf = (el: Element, r: DOMRect): boolean => {
    const shown = typeof el.checkVisibility === 'function' ? el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) : true;
    // Off-screen and 1-px elements are hidden helpers (IME sinks, screen-reader-only fields).
    return shown && r.width >= 4 && r.height >= 4 && r.right > 0 && r.bottom > 0;
  };
  const enabledOf = (el: Element, kind: ControlKind): boolean =>
    !el.matches(':disabled') &&
    !el.closest('fieldset[disabled]') &&
    (el as HTMLInputElement).readOnly !== true &&
    el.getAttribute('aria-disabled') !== 'true' &&
    !el.closest('[inert]') &&
    (kind !== 'contenteditable' || (el as HTMLElement).isContentEditable !== false);
  const gap = (a: DOMRect, b: DOMRect): number => Math.hypot(Math.max(0, a.left - b.right, b.left - a.right), Math.max(0, a.top - b.bottom, b.top - a.bottom));

  const composerForm = formOf(arg.composer);
  const defaultButton = composerForm
    ? (Array.from(composerForm.elements).find((e) => {
        const tag = e.tagName.toLowerCase();
        const type: string = (e as HTMLButtonElement).type;
        return (tag === 'button' && type === 'submit') || (tag === 'input' && (type === 'submit' || type === 'image'));
      }) ?? null)
    : null;
  const composerRect = arg.composer?.getBoundingClientRect() ?? null;

  return arg.els.map((el) => {
    const kind = kindOf(el);
    const rect = el.getBoundingClientRect();
    const view = el.ownerDocument.defaultView;
    const form = formOf(el);
    return {
      kind,
      type: (el.getAttribute('type') ?? '').toLowerCase(),
      name: nameOf(el, kind),
      placeholder: placeholderOf(el),
      hints: clean([el.id, el.getAttribute('name'), el.getAttribute('class'), el.getAttribute('data-testid')].filter(Boolean).join(' ')).slice(0, 200),
      visible: visibleOf(el, rect),
      enabled: enabledOf(el, kind),
      nested: kind !== 'button' && el.parentElement?.closest('[contenteditable]:not([contenteditable="false"])') != null,
      inForm: form !== null,
      formSubmit: defaultButton !== null && el === defaultButton,
      sameForm: composerForm !== null && form === composerForm,
      focused: el.ownerDocument.activeElement === el,
      distance: composerRect ? gap(rect, composerRect) : 0,
      rect: { x: rect.x, y: rect.y, width: rect.width, height: rect.height },
      viewport: { width: view?.innerWidth ?? 0, height: view?.innerHeight ?? 0 },
    };
  });
}

/** Whether an input is still in the page, and the text it holds (a field's value, or an editable element's text). */
export function editableState(el: Element): { connected: boolean; text: string } {
  const tag = el.tagName.toLowerCase();
  const text = tag === 'textarea' || tag === 'input' ? (el as HTMLInputElement).value : ((el as HTMLElement).innerText ?? el.textContent ?? '');
  return { connected: el.isConnected, text };
}

/** Submits the input's form as pressing its submit button would (validation included); false without a form. */
export function requestSubmit(el: Element): boolean {
  const form = (el as HTMLInputElement).form ?? el.closest('form');
  if (!form) return false;
  form.requestSubmit();
  return true;
}
