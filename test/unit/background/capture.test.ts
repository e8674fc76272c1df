/**
 * The background's capture service against a real IndexedDB implementation (fake-indexeddb):
 * what the user sees after closing DevTools, after the service worker restarts, and after a
 * browser restart, and what happens when the disk is full.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openCaptureStore, type CaptureStore } from '../../../src/background/store';
import { createPersister, type StorageStatus } from '../../../src/background/persist';
import { createCaptureService } from '../../../src/background/capture';
import type { CaptureRecord } from '../../../src/core/trace/records';

let dbCount = 0;
const stores: CaptureStore[] = [];

async function setup(opts: { name?: string; browserRun?: string; store?: CaptureStore; maxPendingEvents?: number; byteBudget?: number; flushDelayMs?: number } = {}) {
  const store = opts.store ?? (await openCaptureStore(opts.name ?? `test-${++dbCount}`));
  stores.push(store);
  const statuses: StorageStatus[] = [];
  let ids = 0;
  let capture: ReturnType<typeof createCaptureService> | null = null;
  const persister = createPersister(store, {
    flushDelayMs: opts.flushDelayMs ?? 5,
    maxPendingEvents: opts.maxPendingEvents ?? 10_000,
    retention: { maxSessions: 10, maxEvents: 100_000 },
    liveSessions: () => capture?.liveSessions() ?? new Set(),
    onStatus: (s) => statuses.push(s),
  });
  capture = createCaptureService({ store, persister, browserRun: opts.browserRun ?? 'run-1', now: () => 1000, newId: () => `s${++ids}-${dbCount}`, byteBudget: opts.byteBudget });
  return { store, persister, capture, statuses };
}

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

const open = (conn: string, url = 'http://app/durable-sse/api/conversations/c_abc123/runs'): CaptureRecord => ({ type: 'open', conn, time: 1, kind: 'fetch', url, method: 'POST', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null });
let seq = 0;
const next = () => ++seq;
const data = (conn: string, text: string): CaptureRecord => ({ type: 'data', conn, time: 2, dir: 'in', text, base64: null, size: text.length, event: null, id: null });

describe('capture service', () => {
  afterEach(() => {
    seq = 0;
  });

  it('starts a session per page load and keeps connections of the load together', async () => {
    const { capture } = await setup();
    expect(await capture.hello(7, 'docA', 'http://app/', true, true)).toBe(true);
    await capture.apply(7, 'docA', [open('1'), data('1', 'a'), data('1', 'b')], next());
    const first = await capture.snapshot(7);
    expect(first.snapshot.connections[0]!.events.map((e) => e.text)).toEqual(['a', 'b']);
    expect(await capture.hello(7, 'docB', 'http://app/', true, true)).toBe(true);
    const second = await capture.snapshot(7);
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(second.snapshot.connections).toEqual([]);
  });

  it('brings the live session back after a service-worker restart, and continues it', async () => {
    const name = `restart-${++dbCount}`;
    const before = await setup({ name });
    await before.capture.hello(7, 'docA', 'http://app/', true, true);
    await before.capture.apply(7, 'docA', [open('1'), data('1', 'a')], next());
    await before.persister.flush();
    const { sessionId } = await before.capture.snapshot(7);

    // A new worker: nothing in memory, same database, same browser run.
    const after = await setup({ name });
    await after.capture.hello(7, 'docA', 'http://app/', true, false); // the relay reconnects
    await after.capture.apply(7, 'docA', [data('1', 'b')], next());
    const snap = await after.capture.snapshot(7);
    expect(snap.sessionId).toBe(sessionId);
    expect(snap.snapshot.connections[0]!.events.map((e) => [e.seq, e.text])).toEqual([[0, 'a'], [1, 'b']]);
  });

  it('does not mistake an old session for a new tab that reuses its id after a browser restart', async () => {
    const name = `browser-restart-${++dbCount}`;
    const before = await setup({ name, browserRun: 'run-1' });
    await before.capture.hello(7, 'docA', 'http://app/', true, true);
    await before.capture.apply(7, 'docA', [open('1'), data('1', 'a')], next());
    await before.persister.flush();

    const after = await setup({ name, browserRun: 'run-2' });
    expect((await after.capture.snapshot(7)).snapshot.connections).toEqual([]);
    // …but the capture itself is still stored and listed.
    const listed = await after.store.list();
    expect(listed).toHaveLength(1);
    const loaded = await after.store.load(listed[0]!.id);
    expect(loaded!.snapshot.connections[0]!.events[0]!.text).toBe('a');
  });

  it('records the correlation ids that link a session to other tabs', async () => {
    const { capture, persister, store } = await setup();
    await capture.hello(7, 'docA', 'http://app/durable-sse/?c=c_abc123', true, true);
    await capture.apply(7, 'docA', [open('1')], next());
    await persister.flush();
    const [session] = await store.list();
    expect(session!.correlationIds).toEqual(['conversation:c_abc123']);
  });

  it('reports a full disk and keeps the pending capture, bounded, instead of losing it silently', async () => {
    const real = await openCaptureStore(`quota-${++dbCount}`);
    let full = true;
    const quotaError = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    const flaky: CaptureStore = { ...real, write: async (b) => (full ? Promise.reject(quotaError) : real.write(b)) };
    const { capture, persister, statuses } = await setup({ store: flaky, maxPendingEvents: 3 });
    await capture.hello(7, 'docA', 'http://app/', true, true);
    await capture.apply(7, 'docA', [open('1'), data('1', 'a'), data('1', 'b')], next());
    await persister.flush();
    expect(statuses.at(-1)).toMatchObject({ ok: false, error: 'QuotaExceededError: The quota has been exceeded.', lostEvents: 0 });
    expect(persister.status().pendingEvents).toBe(2);

    await capture.apply(7, 'docA', [data('1', 'c'), data('1', 'd')], next());
    await persister.flush();
    expect(persister.status()).toMatchObject({ ok: false, lostEvents: 1, pendingEvents: 3 });

    full = false;
    await persister.flush();
    expect(statuses.at(-1)).toMatchObject({ ok: true, error: null, lostEvents: 1 });
    const { sessionId } = await capture.snapshot(7);
    const stored = await real.load(sessionId!);
    expect(stored!.snapshot.connections[0]!.events.map((e) => e.text)).toEqual(['b', 'c', 'd']);
    real.close();
  });
});

describe('linked tabs', () => {
  it('links two tabs whose sessions share a conversation id, and says which', async () => {
    const { capture } = await setup();
    await capture.hello(1, 'a', 'http://app/durable-sse/', true, true);
    await capture.hello(2, 'b', 'http://app/durable-sse/?c=c_k2j4h5', true, true);
    await capture.hello(3, 'c', 'http://app/other/', true, true);
    await capture.apply(1, 'a', [open('1', 'http://app/durable-sse/api/conversations/c_k2j4h5/runs')], 1);
    await capture.apply(2, 'b', [open('1', 'http://app/durable-sse/api/conversations/c_k2j4h5')], 1);
    await capture.apply(3, 'c', [open('1', 'http://app/other/api/chat')], 1);
    expect(capture.links(1)).toEqual([{ tabId: 2, ids: ['conversation:c_k2j4h5'] }]);
    expect(capture.linkedTabs(2)).toEqual([1]);
    expect(capture.links(3)).toEqual([]);
  });

  it('never links through data the relay could not attribute to the hook', async () => {
    const { capture } = await setup();
    await capture.hello(1, 'a', 'http://app/durable-sse/', true, true);
    await capture.hello(2, 'b', 'http://evil/', true, true);
    await capture.apply(1, 'a', [open('1', 'http://app/durable-sse/api/conversations/c_k2j4h5/runs')], 1);
    // A page forging the victim's conversation id: kept as its own, but it links nothing.
    await capture.apply(2, 'b', [open('untrusted~f0f0-1', 'http://evil/api/conversations/c_k2j4h5')], 1);
    expect(capture.links(1)).toEqual([]);
    expect(capture.linkedTabs(2)).toEqual([]);
  });
});

describe('batches lost or sent twice when the service worker restarts', () => {
  it('ignores a batch it already stored (the relay re-sends after reconnecting)', async () => {
    const { capture } = await setup();
    await capture.hello(7, 'docA', 'http://app/', true, true);
    await capture.apply(7, 'docA', [open('1'), data('1', 'a')], 1);
    expect(await capture.apply(7, 'docA', [data('1', 'a')], 1)).toEqual({ records: [], evicted: [] });
    expect(await capture.lastSeq(7, 'docA')).toBe(1);
    expect((await capture.snapshot(7)).snapshot.connections[0]!.events).toHaveLength(1);
  });

  it('says how many batches were lost when some never arrive', async () => {
    const { capture } = await setup();
    await capture.hello(7, 'docA', 'http://app/', true, true);
    await capture.apply(7, 'docA', [open('1')], 1);
    const { records: accepted } = await capture.apply(7, 'docA', [data('1', 'late')], 4);
    expect(accepted[0]).toMatchObject({ type: 'page', signal: 'capture-lost', detail: '2 capture batches were lost while the extension restarted' });
    expect((await capture.snapshot(7)).snapshot.signals.map((s) => s.signal)).toEqual(['capture-lost']);
  });

  it('keeps the last stored batch across a restart, so only what is missing is re-sent', async () => {
    const name = `seq-restart-${++dbCount}`;
    // Writes only when told to: a timer firing on a loaded machine must not store batch 2.
    const before = await setup({ name, flushDelayMs: 3_600_000 });
    await before.capture.hello(7, 'docA', 'http://app/', true, true);
    await before.capture.apply(7, 'docA', [open('1'), data('1', 'a')], 1);
    await before.persister.flush();
    await before.capture.apply(7, 'docA', [data('1', 'b')], 2); // never flushed: the worker dies
    const after = await setup({ name });
    await after.capture.hello(7, 'docA', 'http://app/', true, false);
    expect(await after.capture.lastSeq(7, 'docA')).toBe(1);
    await after.capture.apply(7, 'docA', [data('1', 'b')], 2); // the relay's re-send
    expect((await after.capture.snapshot(7)).snapshot.connections[0]!.events.map((e) => e.text)).toEqual(['a', 'b']);
  });
});

describe('retention', () => {
  it('deletes the oldest sessions first, never a live one', async () => {
    const { store } = await setup();
    const base = { tabId: 1, browserRun: 'r', url: 'http://app/', connections: 0, bytes: 0, correlationIds: [], signals: [], faults: [], testRuns: [] };
    for (let i = 1; i <= 4; i++) await store.write([{ session: { ...base, id: `s${i}`, startedAt: i, updatedAt: i, events: 10 }, connections: [], events: [] }]);
    const deleted = await store.enforce({ maxSessions: 2, maxEvents: 1000 }, new Set(['s1']));
    expect(deleted).toEqual(['s2', 's3']);
    expect((await store.list()).map((s) => s.id)).toEqual(['s4', 's1']);
  });
});

describe('the byte budget of a tab', () => {
  const big = (conn: string, i: number, kib: number): CaptureRecord => ({ type: 'data', conn, time: 10 + i, dir: 'in', text: `${i}:`.padEnd(kib * 1024, 'x'), base64: null, size: kib * 1024, event: null, id: null });

  it('drops the oldest payloads past the budget, keeps every event and the newest data, says so, and stores the same', async () => {
    const { capture, persister, store } = await setup({ byteBudget: 1024 * 1024 });
    await capture.hello(7, 'docA', 'http://app/', true, true);
    await capture.apply(7, 'docA', [open('1'), open('2')], 1);
    let seq = 1;
    const evictedSeen: unknown[] = [];
    // 40 events of 64 KiB, alternating between two streams: 2.5 MiB against a 1 MiB budget.
    for (let i = 0; i < 40; i++) {
      const { evicted } = await capture.apply(7, 'docA', [big(i % 2 ? '2' : '1', i, 64)], ++seq);
      evictedSeen.push(...evicted);
    }
    expect(evictedSeen.length).toBeGreaterThan(0);
    const { sessionId, snapshot } = await capture.snapshot(7);
    const events = snapshot.connections.flatMap((c) => c.events).sort((a, b) => a.time - b.time);
    expect(events).toHaveLength(40);
    const held = events.reduce((n, e) => n + (e.text?.length ?? 0), 0);
    expect(held).toBeLessThanOrEqual(1024 * 1024);
    // The oldest lost their text, the newest kept it; sizes and times stay.
    expect(events[0]!.text).toBeNull();
    expect(events.at(-1)!.text?.startsWith('39:')).toBe(true);
    expect(events.every((e) => e.size === 64 * 1024)).toBe(true);
    const kept = events.findIndex((e) => e.text !== null);
    expect(events.slice(kept).every((e) => e.text !== null)).toBe(true);
    expect(snapshot.signals.filter((s) => s.signal === 'capture-lost').at(-1)!.detail).toMatch(/^The payloads of the \d+ oldest events \([\d.]+ MiB\) were dropped to keep this tab within its 1\.0 MiB capture budget/);
    // Storage has the same: no dropped payload comes back after a worker restart.
    await persister.flush();
    await persister.flush();
    const stored = await store.load(sessionId!);
    const storedEvents = stored!.snapshot.connections.flatMap((c) => c.events).sort((a, b) => a.time - b.time);
    expect(storedEvents.map((e) => e.text === null)).toEqual(events.map((e) => e.text === null));
  });
});
