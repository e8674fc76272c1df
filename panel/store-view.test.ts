/** What the page showed, in the panel store: kept from snapshot and events, and used to read answers. */
import { describe, expect, it } from 'vitest';
import { backgroundPanelSide, type PanelEvents } from '../src/protocol/panel';
import type { CaptureRecord } from '../src/core/trace/records';
import type { ViewSample } from '../src/core/view/sample';
import { VIEW_LIMITS } from '../src/core/view/sample';
import { answerFieldOf } from './analysis';
import { answerSource, candidateLabel, fieldParts } from './logic/answerField';
import { applyMessage, createPanelStore, pickAnswerField, showSource } from './store';

const TAB = 5;
type EventBody = { [K in keyof PanelEvents]: { type: K } & Omit<PanelEvents[K], 'tabId'> }[keyof PanelEvents];
/** A background event as the kit builds it, for this store's tab. */
const send = (store: ReturnType<typeof createPanelStore>, { type, ...body }: EventBody) => applyMessage(store, backgroundPanelSide.out.make(type, { tabId: TAB, ...body } as never));
const sample = (text: string, block = 1, time = 5000, docId = 'doc'): ViewSample => ({ time, docId, block, text });

const WORDS = ['The ', 'answer ', 'rides ', 'in ', 'an ', 'app ', 'field ', 'today'];
const ANSWER = WORDS.join('');
/** An app's own SSE shape no recognizer reads: the answer in `update.words`, a step note beside it. */
const event = (i: number) => `data: ${JSON.stringify({ kind: 'progress', update: { words: WORDS[i] }, note: `step ${i + 1}` })}\n\n`;

function custom(n = WORDS.length, from = 0): CaptureRecord[] {
  const head: CaptureRecord[] = from > 0 ? [] : [
    { type: 'open', conn: '1', time: 1000, kind: 'fetch', url: 'http://h/app/stream', method: 'POST', requestHeaders: [], requestBodySize: 2, requestBodyPreview: '{}', detail: null },
    { type: 'response', conn: '1', time: 1010, status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], streaming: true },
  ];
  const data = Array.from({ length: n - from }, (_, k): CaptureRecord => ({ type: 'data', conn: '1', time: 1020 + from + k, dir: 'in', text: event(from + k), base64: null, size: 10, event: null, id: null }));
  return [...head, ...data];
}
const endRecord: CaptureRecord = { type: 'end', conn: '1', time: 2000, cause: 'clean', error: null, code: null, reason: null };

function manualStore() {
  const queue: (() => void)[] = [];
  const store = createPanelStore(TAB, { schedule: (fn) => queue.push(fn) });
  return { store, flush: () => queue.splice(0).forEach((f) => f()) };
}

const conn = (store: ReturnType<typeof createPanelStore>) => store.capture.get('doc:1')!;
const text = (store: ReturnType<typeof createPanelStore>, pick: string | null = null) => store.analysis.output(conn(store), pick).messages.map((m) => m.text).join('');

describe('the page view in the panel store', () => {
  it('starts from the snapshot, appends the events of its own tab, bounded like the background', () => {
    const { store } = manualStore();
    send(store, { type: 'snapshot', sessionId: 's1', snapshot: { connections: [], signals: [], faults: [], testRuns: [], view: [sample('first')] } });
    send(store, { type: 'view', samples: [sample('second', 2)] });
    applyMessage(store, backgroundPanelSide.out.make('view', { tabId: 99, samples: [sample('other tab')] }));
    expect(store.live.view.map((s) => s.text)).toEqual(['first', 'second']);
    // Past the tab's budget the oldest samples go first, as in the background's `addView`.
    const big = 'x'.repeat(VIEW_LIMITS.tabChars / 2);
    send(store, { type: 'view', samples: [sample(big, 3), sample(big, 4)] });
    send(store, { type: 'view', samples: [sample('newest', 5)] });
    expect(store.live.view.map((s) => s.block)).toEqual([4, 5]);
  });

  it('resets with the capture: on clear and navigation, kept only with the log preserved', () => {
    const { store } = manualStore();
    send(store, { type: 'view', samples: [sample('a', 1, 1, 'docA')] });
    send(store, { type: 'reset', sessionId: 's2', reason: 'cleared' });
    expect(store.live.view).toEqual([]);
    send(store, { type: 'view', samples: [sample('b', 1, 2, 'docB')] });
    send(store, { type: 'reset', sessionId: 's3', reason: 'navigated' });
    expect(store.live.view).toEqual([]);
    store.filter.preserveLog.value = true;
    send(store, { type: 'view', samples: [sample('c', 1, 3, 'docC')] });
    send(store, { type: 'reset', sessionId: 's4', reason: 'navigated' });
    expect(store.live.view.map((s) => s.docId)).toEqual(['docC']);
    send(store, { type: 'reset', sessionId: 's5', reason: 'cleared' });
    expect(store.live.view).toEqual([]);
    store.filter.preserveLog.value = false;
  });
});

describe('answers read with what the page showed', () => {
  it('finds the field the page shows once the deferral runs, and names it', () => {
    const { store, flush } = manualStore();
    send(store, { type: 'records', docId: 'doc', records: [...custom(), endRecord] });
    expect(text(store)).toBe('');
    expect(answerFieldOf(store.analysis.recognition(conn(store)))).toBeNull();

    send(store, { type: 'view', samples: [sample(`You: tell me\nAssistant: ${ANSWER}`)] });
    // Matching every field against the page per sample would be quadratic: it waits for the deferral.
    expect(text(store)).toBe('');
    const before = store.pageView.version.value;
    flush();
    expect(store.pageView.version.value).toBe(before + 1);
    const rec = store.analysis.recognition(conn(store));
    expect(text(store)).toBe(ANSWER);
    expect(rec.name).toBe('Server-sent events (generic) · answer text at update.words of “progress” messages');
    // The recognizer's name on its own, the field beside it (the view sets the path as code).
    expect(answerSource(rec, answerFieldOf(rec), false)).toEqual({
      name: 'Server-sent events (generic)', guess: rec.guess, field: { code: 'update.words', rest: ' of “progress” messages' }, how: 'page',
    });
    expect(answerSource({ name: 'Unrecognized stream · answer text at the raw message data', guess: false }, { key: '|(data)', label: 'the raw message data', coverage: 1, matched: 3, values: 3 }, false)).toMatchObject({ name: 'Unrecognized stream', field: { code: null } });
    // Memoized: the same reading while neither the connection nor the view changes.
    expect(store.analysis.analyzed(conn(store))).toBe(store.analysis.analyzed(conn(store)));
  });

  it('reads new events of a growing stream with the field found, without matching the page again', () => {
    const { store, flush } = manualStore();
    send(store, { type: 'records', docId: 'doc', records: custom(5) });
    send(store, { type: 'view', samples: [sample(WORDS.slice(0, 5).join(''))] });
    flush();
    expect(text(store)).toBe(WORDS.slice(0, 5).join(''));
    send(store, { type: 'records', docId: 'doc', records: [...custom(WORDS.length, 5), endRecord] });
    // The page has not re-rendered yet, but the field is known: the new words are read at once.
    expect(text(store)).toBe(ANSWER);
    expect(store.analysis.output(conn(store)).messages[0]!.finished).toBe(false);
  });

  it('lets the user pick another field per connection, and go back to automatic', () => {
    const { store, flush } = manualStore();
    send(store, { type: 'records', docId: 'doc', records: [...custom(), endRecord] });
    send(store, { type: 'view', samples: [sample(ANSWER)] });
    flush();
    const candidates = store.analysis.candidates(conn(store));
    expect(candidates.map((c) => [c.label, c.values])).toEqual([
      ['update.words of “progress” messages', 8],
      ['note of “progress” messages', 8],
    ]);
    expect(candidateLabel(candidates[1]!)).toBe('note of “progress” messages · 8 values · “step 1step 2step 3step 4step 5step 6step 7step 8”');

    pickAnswerField(store, 'doc:1', candidates[1]!.key);
    expect(store.answerFields.picks.value.get('doc:1')).toBe(candidates[1]!.key);
    expect(text(store, store.answerFields.picks.value.get('doc:1'))).toBe('step 1step 2step 3step 4step 5step 6step 7step 8');
    const rec = store.analysis.recognition(conn(store), candidates[1]!.key);
    expect(answerSource(rec, answerFieldOf(rec), true)).toMatchObject({ field: { code: 'note' }, how: 'picked' });

    pickAnswerField(store, 'doc:1', null);
    expect(store.answerFields.picks.value.has('doc:1')).toBe(false);
    expect(text(store)).toBe(ANSWER);
  });

  it('uses the view a stored session carries, and the live one again after', () => {
    const { store, flush } = manualStore();
    send(store, { type: 'records', docId: 'doc', records: [...custom(), endRecord] });
    flush();
    const stored = backgroundPanelSide.out.make('records', { tabId: TAB, docId: 'doc', records: [...custom(), endRecord] });
    const other = createPanelStore(TAB);
    applyMessage(other, stored);
    showSource(store, { kind: 'stored', info: { id: 'old', tabId: TAB, browserRun: 'r', url: 'http://h/', startedAt: 1, updatedAt: 2, connections: 1, events: 8, bytes: 80, correlationIds: [], signals: [], faults: [], testRuns: [] }, data: { ...other.live, view: [sample(ANSWER)] } });
    expect(text(store)).toBe(ANSWER);
    showSource(store, { kind: 'live' });
    expect(text(store)).toBe('');
  });

  it('splits a field label into its path and the rest', () => {
    expect(fieldParts({ key: 'method=notifications/progress|params.message', label: 'params.message of “notifications/progress” messages' })).toEqual({ code: 'params.message', rest: ' of “notifications/progress” messages' });
    expect(fieldParts({ key: '|(data)', label: 'the raw message data' })).toEqual({ code: null, rest: 'the raw message data' });
  });
});
