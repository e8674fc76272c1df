// @vitest-environment happy-dom
/**
 * The page side of the composer search: kinds, accessible names, forms and states as the page
 * function reports them. Layout (visibility, distances) needs a real browser: the e2e test has it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { BUTTON_SELECTOR, INPUT_SELECTOR } from '../../../src/cli/composer';
import { describeElements, editableState, requestSubmit } from '../../../src/cli/controls-dom';
import { inPage } from '../../../src/cli/page-fn';

const describeAll = (selector: string, composer: Element | null = null) => describeElements({ els: [...document.querySelectorAll(selector)], composer });

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('inputs', () => {
  it('finds textareas, text inputs, contenteditables and textboxes, not other fields', () => {
    document.body.innerHTML = `<textarea></textarea><input><input type="text"><input type="search"><input type="email"><input type="checkbox">
      <div contenteditable="true"></div><div contenteditable="false"></div><div role="textbox"></div>`;
    expect(describeAll(INPUT_SELECTOR).map((i) => `${i.kind}:${i.type}`)).toEqual(['textarea:', 'input:', 'input:text', 'input:search', 'contenteditable:', 'textbox:']);
  });

  it('names them as a screen reader would: labelledby, aria-label, <label>, title, placeholder', () => {
    document.body.innerHTML = `<span id="l1">Your</span><span id="l2">question</span>
      <textarea aria-labelledby="l1 l2" aria-label="ignored"></textarea>
      <textarea aria-label="Prompt" placeholder="Ask something"></textarea>
      <label for="m">Message</label><textarea id="m"></textarea>
      <label>Reply <textarea>draft</textarea></label>
      <input title="Chat input">
      <input placeholder="Type a message">
      <div contenteditable="true"><p data-placeholder="Ask me anything"></p></div>`;
    expect(describeAll(INPUT_SELECTOR).map((i) => i.name)).toEqual(['Your question', 'Prompt', 'Message', 'Reply', 'Chat input', 'Type a message', 'Ask me anything']);
    expect(describeAll(INPUT_SELECTOR)[1]!.placeholder).toBe('Ask something');
  });

  it("reports forms, states and developers' words", () => {
    document.body.innerHTML = `<form><textarea id="chat-input" class="composer big" name="q"></textarea></form>
      <textarea disabled></textarea><textarea readonly></textarea><textarea aria-disabled="true"></textarea>
      <fieldset disabled><textarea></textarea></fieldset><div inert><textarea></textarea></div>
      <div contenteditable="true"><div contenteditable="true"></div></div>`;
    const infos = describeAll(INPUT_SELECTOR);
    expect(infos[0]).toMatchObject({ inForm: true, enabled: true, hints: 'chat-input q composer big' });
    expect(infos.slice(1, 6).map((i) => i.enabled)).toEqual([false, false, false, false, false]);
    expect(infos.slice(6).map((i) => i.nested)).toEqual([false, true]);
  });
});

describe('buttons', () => {
  it('names text, icon and input buttons; hidden icon text counts only when nothing else does', () => {
    document.body.innerHTML = `<button>  Send  </button>
      <button aria-label="Send message"><svg aria-hidden="true"></svg></button>
      <span id="s">Submit</span><button aria-labelledby="s"></button>
      <button title="Ask"><svg aria-hidden="true"><title>ignored</title></svg></button>
      <button><svg><title>Send prompt</title></svg></button>
      <button><img alt="Send"></button>
      <button><span aria-hidden="true">➤</span></button>
      <input type="submit"><input type="submit" value="Go"><div role="button">Ask</div>`;
    expect(describeAll(BUTTON_SELECTOR).map((b) => `${b.kind}:${b.name}`)).toEqual([
      'button:Send', 'button:Send message', 'button:Submit', 'button:Ask', 'button:Send prompt', 'button:Send', 'button:➤', 'button:Submit', 'button:Go', 'button:Ask',
    ]);
  });

  it("marks the composer form's default button and the buttons in that form", () => {
    document.body.innerHTML = `<form id="f"><textarea></textarea><button type="button">Attach</button><button>Send</button><button type="submit">Other</button></form>
      <button form="f" type="submit">Outside</button><form><button>Elsewhere</button></form>`;
    const composer = document.querySelector('textarea');
    const infos = describeAll('button', composer);
    expect(infos.map((b) => b.formSubmit)).toEqual([false, true, false, false, false]);
    expect(infos.map((b) => b.sameForm)).toEqual([true, true, true, true, false]);
  });
});

describe('editableState and requestSubmit', () => {
  it('reads a field or an editable element, and whether it is still in the page', () => {
    document.body.innerHTML = `<textarea></textarea><div contenteditable="true">hello</div>`;
    const ta = document.querySelector('textarea')!;
    ta.value = 'typed';
    expect(editableState(ta)).toEqual({ connected: true, text: 'typed' });
    expect(editableState(document.querySelector('div')!).text).toBe('hello');
    ta.remove();
    expect(editableState(ta).connected).toBe(false);
  });

  it("submits the input's form, and says when there is none", () => {
    document.body.innerHTML = `<form><input></form><input id="alone">`;
    let submitted = 0;
    document.querySelector('form')!.addEventListener('submit', (e) => {
      e.preventDefault();
      submitted++;
    });
    expect(requestSubmit(document.querySelector('form input')!)).toBe(true);
    expect(submitted).toBe(1);
    expect(requestSubmit(document.getElementById('alone')!)).toBe(false);
  });
});

describe('inPage', () => {
  it('runs source that esbuild keepNames wrapped in __name calls (as tsx compiles the CLI)', () => {
    const compiled = new Function('return function f(n) { const inner = __name((x) => x + 1, "inner"); return inner(n); }')() as (n: number) => number;
    expect(() => compiled(1)).toThrow(/__name/);
    expect(inPage(compiled)(1)).toBe(2);
  });
  it('describes the page through its source text alone', () => {
    document.body.innerHTML = '<textarea aria-label="Prompt"></textarea>';
    expect(inPage(describeElements)({ els: [document.querySelector('textarea')!], composer: null })[0]!.name).toBe('Prompt');
  });
});
