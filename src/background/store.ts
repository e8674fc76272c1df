/**
 * IndexedDB storage of captures (with `idb`): sessions, their connections and events, so a
 * capture survives closing DevTools, a service-worker restart and a browser restart.
 *
 * One session is one page load of a tab. Events are stored in chunks, one record per connection
 * per write, keyed [connection key, first seq]: IndexedDB's cost is per record (one put per event
 * was most of the recording overhead in `npm run bench`), and a connection's chunks come back in
 * order with one key-range scan. A session is deleted as a unit.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ConnectionCapture, ConnectionSummary, TabSnapshot, TraceEvent } from '../core/trace/model';
import type { SessionInfo } from '../core/trace/session';
import type { Eviction } from '../core/trace/budget';

export const DB_NAME = 'durable-sessions-captures';
const DB_VERSION = 2;

export type StoredSession = SessionInfo;

interface StoredConnection {
  key: string;
  sessionId: string;
  summary: ConnectionSummary;
}

interface StoredChunk {
  connKey: string;
  sessionId: string;
  firstSeq: number;
  events: TraceEvent[];
}

interface CaptureDB extends DBSchema {
  sessions: { key: string; value: StoredSession; indexes: { byTab: number; byUpdated: number } };
  connections: { key: string; value: StoredConnection; indexes: { bySession: string } };
  chunks: { key: [string, number]; value: StoredChunk; indexes: { bySession: string } };
}

export interface WriteBatch {
  session: StoredSession;
  connections: ConnectionSummary[];
  events: { connId: string; event: TraceEvent }[];
}

export interface RetentionPolicy {
  maxSessions: number;
  maxEvents: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { maxSessions: 100, maxEvents: 2_000_000 };

const connKey = (sessionId: string, connId: string): string => `${sessionId}|${connId}`;

export interface CaptureStore {
  /** Writes the batches (of one or more sessions) in one transaction: all of them, or none. */
  write(batches: readonly WriteBatch[]): Promise<void>;
  load(sessionId: string): Promise<{ session: StoredSession; snapshot: TabSnapshot } | null>;
  /** The newest session of a tab in this run of the browser (tab ids are reused after a restart). */
  latestOfTab(tabId: number, browserRun: string): Promise<StoredSession | null>;
  list(): Promise<StoredSession[]>;
  remove(sessionId: string): Promise<void>;
  /** Blanks the payloads of stored events the evictions name (the byte budget). */
  dropPayloads(sessionId: string, evictions: readonly Eviction[]): Promise<void>;
  /** Deletes oldest sessions (never `keep`) until the policy holds; returns the deleted ids. */
  enforce(policy: RetentionPolicy, keep?: ReadonlySet<string>): Promise<string[]>;
  close(): void;
}

export async function openCaptureStore(name = DB_NAME): Promise<CaptureStore> {
  const db: IDBPDatabase<CaptureDB> = await openDB<CaptureDB>(name, DB_VERSION, {
    upgrade(d, oldVersion) {
      if (oldVersion < 1) {
        const sessions = d.createObjectStore('sessions', { keyPath: 'id' });
        sessions.createIndex('byTab', 'tabId');
        sessions.createIndex('byUpdated', 'updatedAt');
        d.createObjectStore('connections', { keyPath: 'key' }).createIndex('bySession', 'sessionId');
      }
      // Version 1 stored one record per event (pre-release builds only): those events go.
      const raw = d as unknown as IDBDatabase;
      if (raw.objectStoreNames.contains('events')) raw.deleteObjectStore('events');
      d.createObjectStore('chunks', { keyPath: ['connKey', 'firstSeq'] }).createIndex('bySession', 'sessionId');
    },
  });

  const remove = async (sessionId: string): Promise<void> => {
    const tx = db.transaction(['sessions', 'connections', 'chunks'], 'readwrite');
    const range = IDBKeyRange.only(sessionId);
    const deletions: Promise<unknown>[] = [tx.objectStore('sessions').delete(sessionId)];
    for (const store of ['connections', 'chunks'] as const) {
      let cursor = await tx.objectStore(store).index('bySession').openKeyCursor(range);
      while (cursor) {
        deletions.push(tx.objectStore(store).delete(cursor.primaryKey));
        cursor = await cursor.continue();
      }
    }
    await Promise.all([...deletions, tx.done]);
  };

  return {
    async write(batches) {
      // One transaction for every session of a flush: a commit is a round trip to the browser's
      // IndexedDB backend, and the persister waited for one per session per flush.
      const tx = db.transaction(['sessions', 'connections', 'chunks'], 'readwrite');
      const sessions = tx.objectStore('sessions');
      const conns = tx.objectStore('connections');
      const chunks = tx.objectStore('chunks');
      const puts: Promise<unknown>[] = [];
      for (const { session, connections, events } of batches) {
        puts.push(sessions.put(session));
        for (const summary of connections) puts.push(conns.put({ key: connKey(session.id, summary.id), sessionId: session.id, summary }));
        const byConn = new Map<string, TraceEvent[]>();
        for (const { connId, event } of events) {
          const list = byConn.get(connId);
          if (list) list.push(event);
          else byConn.set(connId, [event]);
        }
        for (const [connId, list] of byConn) {
          puts.push(chunks.put({ connKey: connKey(session.id, connId), sessionId: session.id, firstSeq: list[0]!.seq, events: list }));
        }
      }
      await Promise.all([...puts, tx.done]);
    },

    async load(sessionId) {
      const tx = db.transaction(['sessions', 'connections', 'chunks'], 'readonly');
      const session = await tx.objectStore('sessions').get(sessionId);
      if (!session) return null;
      const conns = await tx.objectStore('connections').index('bySession').getAll(sessionId);
      const connections: ConnectionCapture[] = [];
      for (const c of conns) {
        const range = IDBKeyRange.bound([c.key, 0], [c.key, Number.MAX_SAFE_INTEGER]);
        const events: TraceEvent[] = (await tx.objectStore('chunks').getAll(range)).flatMap((chunk) => chunk.events);
        // The stored events are the truth: a summary and its events may have been flushed apart.
        connections.push({ summary: { ...c.summary, events: events.length }, events });
      }
      connections.sort((a, b) => a.summary.startedAt - b.summary.startedAt);
      await tx.done;
      return { session, snapshot: { connections, signals: session.signals, faults: session.faults ?? [], testRuns: session.testRuns ?? [], ...(session.mocks?.length ? { mocks: session.mocks } : {}) } };
    },

    async latestOfTab(tabId, browserRun) {
      const sessions = (await db.getAllFromIndex('sessions', 'byTab', tabId)).filter((s) => s.browserRun === browserRun);
      return sessions.sort((a, b) => b.startedAt - a.startedAt)[0] ?? null;
    },

    async list() {
      return (await db.getAllFromIndex('sessions', 'byUpdated')).reverse();
    },

    remove,

    async dropPayloads(sessionId, evictions) {
      const tx = db.transaction('chunks', 'readwrite');
      const puts: Promise<unknown>[] = [];
      for (const { connId, throughSeq } of evictions) {
        const key = connKey(sessionId, connId);
        let cursor = await tx.store.openCursor(IDBKeyRange.bound([key, 0], [key, throughSeq]));
        while (cursor) {
          const chunk = cursor.value;
          if (chunk.events.some((e) => e.seq <= throughSeq && (e.text !== null || e.base64 !== null))) {
            puts.push(cursor.update({ ...chunk, events: chunk.events.map((e) => (e.seq <= throughSeq ? { ...e, text: null, base64: null } : e)) }));
          }
          cursor = await cursor.continue();
        }
      }
      await Promise.all([...puts, tx.done]);
    },

    async enforce(policy, keep = new Set()) {
      const sessions = await db.getAllFromIndex('sessions', 'byUpdated'); // oldest first
      let count = sessions.length;
      let events = sessions.reduce((n, s) => n + s.events, 0);
      const deleted: string[] = [];
      for (const s of sessions) {
        if (count <= policy.maxSessions && events <= policy.maxEvents) break;
        if (keep.has(s.id)) continue;
        await remove(s.id);
        deleted.push(s.id);
        count -= 1;
        events -= s.events;
      }
      return deleted;
    },

    close() {
      db.close();
    },
  };
}
