/**
 * The persister with several tabs recording at once, against a real IndexedDB implementation
 * (fake-indexeddb): one transaction per flush for every session, and a session whose batch
 * cannot be stored holds back no other session and loses nothing silently.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openCaptureStore, type CaptureStore, type WriteBatch } from '../../../src/background/store';
import { createPersister, type StorageStatus } from '../../../src/background/persist';
import { createCaptureService } from '../../../src/background/capture';
import type { CaptureRecord } from '../../../src/core/trace/records';

let dbCount = 0;
const stores: CaptureStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

/** The real store, with every write call seen (and refused when `refuse` says so). */
async function setup(refuse: (batch: WriteBatch) => boolean = () => false) {
  const real = await openCaptureStore(`persist-${++dbCount}`);
  stores.push(real);
  const writes: string[][] = [];
  const store: CaptureStore = {
    ...real,
    write: async (batches) => {
      writes.push(batches.map((b) => b.session.tabId).map(String));
      if (batches.some(refuse)) throw Object.assign(new Error('could not be cloned'), { name: 'DataCloneError' });
      return real.write(batches);
    },
  };
  const statuses: StorageStatus[] = [];
  let ids = 0;
  let capture: ReturnType<typeof createCaptureService> | null = null;
  const persister = createPersister(store, {
    flushDelayMs: 60_000, // only explicit flushes: the test decides what one flush holds
    maxPendingEvents: 10_000,
    retention: { maxSessions: 10, maxEvents: 100_000 },
    liveSessions: () => capture?.liveSessions() ?? new Set(),
    onStatus: (s) => statuses.push(s),
  });
  capture = createCaptureService({ store, persister, browserRun: 'run-1', now: () => 1000, newId: () => `s${++ids}` });
  return { real, persister, capture, statuses, writes };
}

const open = (conn: string): CaptureRecord => ({ type: 'open', conn, time: 1, kind: 'websocket', url: 'ws://app/socket', method: 'GET', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null });
const data = (conn: string, text: string): CaptureRecord => ({ type: 'data', conn, time: 2, dir: 'in', text, base64: null, size: text.length, event: null, id: null });

async function record(capture: ReturnType<typeof createCaptureService>, tabId: number, texts: string[]): Promise<string> {
  await capture.hello(tabId, `doc${tabId}`, `http://app/${tabId}`, true, true);
  await capture.apply(tabId, `doc${tabId}`, [open('1'), ...texts.map((t) => data('1', t))], 1);
  return (await capture.snapshot(tabId)).sessionId!;
}

const textsOf = async (store: CaptureStore, sessionId: string) => (await store.load(sessionId))?.snapshot.connections.flatMap((c) => c.events.map((e) => e.text)) ?? null;

describe('persister with several recording tabs', () => {
  it('writes every tab\'s pending events in one transaction per flush', async () => {
    const { real, persister, capture, statuses, writes } = await setup();
    const a = await record(capture, 1, ['a1', 'a2']);
    const b = await record(capture, 2, ['b1']);
    const c = await record(capture, 3, ['c1', 'c2', 'c3']);
    await persister.flush();
    expect(writes).toEqual([['1', '2', '3']]);
    expect(await textsOf(real, a)).toEqual(['a1', 'a2']);
    expect(await textsOf(real, b)).toEqual(['b1']);
    expect(await textsOf(real, c)).toEqual(['c1', 'c2', 'c3']);
    expect(persister.status()).toMatchObject({ ok: true, pendingEvents: 0, lostEvents: 0 });
    expect(statuses).toEqual([]);
  });

  it('stores the other tabs when one tab\'s batch cannot be stored, and keeps that one pending and reported', async () => {
    let broken = true;
    const { real, persister, capture, statuses, writes } = await setup((batch) => broken && batch.session.tabId === 2);
    const a = await record(capture, 1, ['a1']);
    const b = await record(capture, 2, ['b1', 'b2']);
    const c = await record(capture, 3, ['c1']);
    await persister.flush();
    // The shared transaction failed; each session was then tried on its own.
    expect(writes).toEqual([['1', '2', '3'], ['1'], ['2'], ['3']]);
    expect(await textsOf(real, a)).toEqual(['a1']);
    expect(await textsOf(real, c)).toEqual(['c1']);
    expect(await textsOf(real, b)).toEqual(null);
    expect(statuses.at(-1)).toMatchObject({ ok: false, error: 'DataCloneError: could not be cloned', lostEvents: 0, pendingEvents: 2 });

    broken = false;
    await persister.flush();
    expect(await textsOf(real, b)).toEqual(['b1', 'b2']);
    expect(statuses.at(-1)).toMatchObject({ ok: true, error: null, lostEvents: 0, pendingEvents: 0 });
  });
});
