/** Which element the runner takes for the chat input and the Send button, and how it names them. */
import { describe, expect, it } from 'vitest';
import { controlLabel, curly, namesSend, rankButtons, rankInputs, type ElementInfo } from '../../../src/cli/composer';

const viewport = { width: 1000, height: 800 };
const el = (over: Partial<ElementInfo>): ElementInfo => ({
  kind: 'textarea', type: '', name: '', placeholder: '', hints: '', visible: true, enabled: true, nested: false,
  inForm: false, formSubmit: false, sameForm: false, focused: false, distance: 0,
  rect: { x: 100, y: 700, width: 600, height: 40 }, viewport, ...over,
});

describe('rankInputs', () => {
  it('takes the chat box over a search box in the header', () => {
    const search = el({ kind: 'input', type: 'search', placeholder: 'Search docs', rect: { x: 800, y: 10, width: 180, height: 30 } });
    const chat = el({ kind: 'input', type: 'text', placeholder: 'Ask anything' });
    expect(rankInputs([search, chat])).toEqual([1, 0]);
  });

  it('prefers a textarea in a form named like a prompt, low and wide on the page', () => {
    const comment = el({ name: 'Comment', rect: { x: 0, y: 100, width: 300, height: 80 } });
    const composer = el({ placeholder: 'Message ChatGPT', inForm: true });
    expect(rankInputs([comment, composer])[0]).toBe(1);
  });

  it("uses developers' words when the input has no name", () => {
    const plain = el({});
    const hinted = el({ hints: 'chat-input composer' });
    expect(rankInputs([plain, hinted])[0]).toBe(1);
  });

  it('never takes hidden, disabled or nested inputs, nor buttons', () => {
    const infos = [
      el({ visible: false, placeholder: 'Message' }),
      el({ enabled: false, placeholder: 'Message' }),
      el({ kind: 'contenteditable', nested: true }),
      el({ kind: 'button', name: 'Send' }),
      el({ kind: 'contenteditable', name: 'Prompt' }),
    ];
    expect(rankInputs(infos)).toEqual([4]);
  });

  it('breaks ties with focus, then document order', () => {
    expect(rankInputs([el({}), el({ focused: true })])).toEqual([1, 0]);
    expect(rankInputs([el({}), el({})])).toEqual([0, 1]);
  });
});

describe('namesSend and rankButtons', () => {
  it('knows send-like names, icon labels and arrows', () => {
    for (const name of ['Send', 'Send message', 'Submit', 'Ask', '→', '➤', 'Ask →']) expect(namesSend(name), name).toBe(true);
    for (const name of ['Stop', 'Cancel', 'Attach file', 'Task list', 'Sender settings', '', 'Send feedback to the team about this response please']) expect(namesSend(name), name).toBe(false);
  });

  it('takes buttons in the composer form first, then the nearest; disabled ones are kept to be reported', () => {
    const infos = [
      el({ kind: 'button', name: 'Send', distance: 150 }),
      el({ kind: 'button', name: 'Send', distance: 5, enabled: false }),
      el({ kind: 'button', name: 'Submit', sameForm: true, distance: 400 }),
      el({ kind: 'button', name: 'Stop', distance: 0 }),
    ];
    expect(rankButtons(infos)).toEqual([2, 1, 0]);
  });

  it('leaves out hidden buttons and Send buttons far from the input (another form’s)', () => {
    expect(rankButtons([el({ kind: 'button', name: 'Send', visible: false }), el({ kind: 'button', name: 'Send', distance: 600 })])).toEqual([]);
  });
});

describe('controlLabel', () => {
  it('names a control by kind and accessible name, or placeholder', () => {
    expect(controlLabel(el({ name: 'Message' }))).toBe('textarea "Message"');
    expect(controlLabel(el({ kind: 'input', placeholder: 'Ask anything' }))).toBe('input "Ask anything"');
    expect(controlLabel(el({ kind: 'input', type: 'search', name: 'Search' }))).toBe('search input "Search"');
    expect(controlLabel(el({ kind: 'contenteditable' }))).toBe('contenteditable');
    expect(controlLabel(el({ kind: 'button', name: 'x'.repeat(60) }))).toBe(`button "${'x'.repeat(39)}…"`);
  });
  it('has a typographic form for prose', () => {
    expect(curly('button "Send"')).toBe('button “Send”');
    expect(curly('form.requestSubmit()')).toBe('form.requestSubmit()');
  });
});
