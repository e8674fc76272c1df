/**
 * A whole background in Node for tests: fake-indexeddb storage, in-memory storage areas, and
 * relays and panels connected over in-memory transports with the messages the real pieces send.
 * A "worker restart" is a new background booted over the same `Boot`.
 */
import 'fake-indexeddb/auto';
import { afterEach } from 'vitest';
import { createBackground, type Background } from '../../../src/background/app';
import { openCaptureStore, type CaptureStore } from '../../../src/background/store';
import { createPersister } from '../../../src/background/persist';
import { createCaptureService } from '../../../src/background/capture';
import { createRecordingSettings } from '../../../src/background/settings';
import { createWatchedTabs } from '../../../src/background/watched';
import { createFaultBook } from '../../../src/background/fault-book';
import { createClient } from '../../../src/protocol/kit';
import { panelSide } from '../../../src/protocol/panel';
import { backgroundToRelay, relayToBackground, type BackgroundToRelayMessage } from '../../../src/protocol/page';
import { memoryPair } from '../../../src/protocol/adapters/memory';
import type { CaptureRecord } from '../../../src/core/trace/records';

export const EXT = 'chrome-extension://abc/';

/** A storage area as `storage.session` / `storage.local` behave: values survive a worker restart. */
export function area() {
  const data = new Map<string, unknown>();
  return {
    data,
    get: async (key: string) => (data.has(key) ? { [key]: structuredClone(data.get(key)) } : {}),
    set: async (items: Record<string, unknown>) => void Object.entries(items).forEach(([k, v]) => data.set(k, structuredClone(v))),
  } as never;
}

let dbs = 0;
const stores: CaptureStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

export interface Boot {
  session: ReturnType<typeof area>;
  local: ReturnType<typeof area>;
  db: string;
  runScenario?: Parameters<typeof createBackground>[0]['runScenario'];
}

export function boot(env: Boot): Background {
  let ids = 0;
  const services = (async () => {
    const store = await openCaptureStore(env.db);
    stores.push(store);
    let capture: ReturnType<typeof createCaptureService> | null = null;
    const persister = createPersister(store, { flushDelayMs: 5, maxPendingEvents: 10_000, retention: { maxSessions: 10, maxEvents: 100_000 }, liveSessions: () => capture?.liveSessions() ?? new Set(), onStatus: () => undefined });
    capture = createCaptureService({ store, persister, browserRun: 'run', now: Date.now, newId: () => `s${++ids}` });
    return { store, persister, capture };
  })();
  return createBackground({
    services,
    settings: createRecordingSettings(env.local),
    watched: createWatchedTabs(env.session, Date.now),
    faults: createFaultBook(env.session, (e) => {
      throw e;
    }),
    extensionUrl: EXT,
    now: Date.now,
    newId: () => `id${++ids}`,
    runScenario: env.runScenario ?? (async () => ({ test: 'reconnect-resume', verdict: 'pass', reason: 'ok', evidence: [], advice: null })),
  });
}

export const env = (extra: Partial<Boot> = {}): Boot => ({ session: area(), local: area(), db: `app-${++dbs}`, ...extra });

export function panel(bg: Background, url = `${EXT}panel/index.html`) {
  const pair = memoryPair();
  bg.connectPanel(pair.b, { url });
  const client = createClient(panelSide, pair.a);
  return { client, pair };
}

/** A document's relay: what the background sends it, and a way to post what a relay posts. */
export function relay(bg: Background, tabId: number, docId: string, url = 'http://app/chat', frameId = 0) {
  const pair = memoryPair();
  const got: BackgroundToRelayMessage[] = [];
  pair.a.onMessage((raw) => {
    const m = backgroundToRelay.parse(raw);
    if (m) got.push(m);
  });
  bg.connectRelay(pair.b, { tabId, frameId, url });
  let seq = 0;
  return {
    got,
    pair,
    hello: (firstConnect = true) => pair.a.post(relayToBackground.make('hello', { url, docId, firstConnect, nextSeq: seq + 1 })),
    capture: (records: CaptureRecord[], errors?: unknown[]) => pair.a.post(relayToBackground.make('capture', { seq: ++seq, records, ...(errors ? { errors: errors as never } : {}) })),
    /** Answers the background's requests as the relay's router does: `reply` gives the answer's type and body. */
    answer: (reply: (m: BackgroundToRelayMessage) => { type: 'stop-control' | 'location' | 'flushed'; body: object }) =>
      pair.a.onMessage((raw) => {
        const m = backgroundToRelay.parse(raw);
        if (!m?.id) return;
        const { type, body } = reply(m);
        pair.a.post(relayToBackground.make(type, body as never, { replyTo: m.id }));
      }),
    faults: (type: 'arm-fault' | 'disarm-fault') => got.filter((m) => m.type === type).map((m) => (m.type === 'arm-fault' ? m.fault.id : m.type === 'disarm-fault' ? m.faultId : '')),
  };
}

/** Waits for a condition the background reaches asynchronously (storage, microtasks). */
export async function until<T>(fn: () => T | undefined | null | false, what: string): Promise<T> {
  // Generous: a loaded CI machine is slow, and a condition that holds ends the wait at once.
  for (let i = 0; i < 2000; i++) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never: ${what}`);
}

