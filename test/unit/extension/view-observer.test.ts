// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createViewObserver } from '../../../src/content/view-observer';
import type { ViewObservation } from '../../../src/core/view/sample';

const posted: ViewObservation[][] = [];
const observer = createViewObserver((s) => posted.push(s));
const flushed = () => vi.waitFor(() => expect(posted.length).toBeGreaterThan(0));

afterEach(() => {
  observer.stop();
  posted.length = 0;
  document.body.innerHTML = '';
});

describe('what the page shows, as the relay samples it', () => {
  it('sends the whole text of the block whose text grew, named by the nearest non-inline ancestor', async () => {
    document.body.innerHTML = '<div class="msg"><p id="answer"><span>Hello</span></p></div>';
    observer.start();
    document.querySelector('span')!.firstChild!.textContent = 'Hello there, friend';
    await flushed();
    expect(posted.flat()).toEqual([expect.objectContaining({ text: 'Hello there, friend', block: expect.any(Number) })]);
  });

  it('keeps one block number for one element and sends a text only when it changed', async () => {
    document.body.innerHTML = '<p id="a">one</p>';
    observer.start();
    const p = document.getElementById('a')!;
    p.textContent = 'one two';
    await flushed();
    const first = posted.flat()[0]!;
    posted.length = 0;
    p.append(' three');
    await flushed();
    expect(posted.flat()).toEqual([expect.objectContaining({ block: first.block, text: 'one two three' })]);
  });

  it('sends nothing while stopped (the tab does not record)', async () => {
    document.body.innerHTML = '<p id="a">one</p><p id="b">two</p>';
    observer.start();
    observer.stop();
    document.getElementById('a')!.firstChild!.textContent = 'changed while not recording';
    // Recording again: the next flush carries only what changed since.
    observer.start();
    document.getElementById('b')!.firstChild!.textContent = 'after';
    await flushed();
    expect(posted.flat().map((x) => x.text)).toEqual(['after']);
  });

  it('ignores script and style text', async () => {
    observer.start();
    const s = document.createElement('style');
    document.head.append(s);
    s.textContent = 'p { color: red }';
    document.body.append(Object.assign(document.createElement('p'), { textContent: 'visible' }));
    await flushed();
    expect(posted.flat().map((x) => x.text)).toEqual(['visible']);
  });
});
