/**
 * Batches capture writes to IndexedDB. A stream of small events becomes one transaction per
 * flush; a failed write (most often a full quota) is retried after retention frees space, and
 * while it keeps failing the pending events are kept up to a bound and then counted as lost.
 * Whatever happens is reported through `onStatus`, so the panel can show it: a capture is never
 * lost silently.
 */
import type { ConnectionSummary, TraceEvent } from '../core/trace/model';
import type { Eviction } from '../core/trace/budget';
import type { CaptureStore, RetentionPolicy, StoredSession, WriteBatch } from './store';
import type { StorageStatus } from '../core/trace/session';

export type { StorageStatus };

export interface PersisterOptions {
  flushDelayMs: number;
  maxPendingEvents: number;
  retention: RetentionPolicy;
  onStatus(status: StorageStatus): void;
  /** Sessions that retention must not delete (the live ones). */
  liveSessions(): ReadonlySet<string>;
}

interface Pending {
  session: StoredSession;
  connections: Map<string, ConnectionSummary>;
  events: { connId: string; event: TraceEvent }[];
}

export interface Persister {
  enqueue(session: StoredSession, changed: Iterable<ConnectionSummary>, events: Iterable<{ connId: string; event: TraceEvent }>): void;
  /** Writes everything pending now (tests, and before reading back). */
  flush(): Promise<void>;
  /** Drops stored payloads (the byte budget), after every write pending now. */
  dropPayloads(sessionId: string, evictions: readonly Eviction[]): void;
  status(): StorageStatus;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

export function createPersister(store: CaptureStore, opts: PersisterOptions): Persister {
  const pending = new Map<string, Pending>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> = Promise.resolve();
  let status: StorageStatus = { ok: true, error: null, lostEvents: 0, pendingEvents: 0 };

  const pendingCount = () => [...pending.values()].reduce((n, p) => n + p.events.length, 0);
  const report = (next: Partial<StorageStatus>) => {
    const prev = status;
    status = { ...status, ...next, pendingEvents: pendingCount() };
    if (prev.ok !== status.ok || prev.error !== status.error || prev.lostEvents !== status.lostEvents) opts.onStatus(status);
  };

  const writeAll = async (): Promise<void> => {
    const batches = [...pending.values()];
    pending.clear();
    if (batches.length === 0) return report({ ok: true, error: null });
    const toWrite = (b: Pending): WriteBatch => ({ session: b.session, connections: [...b.connections.values()], events: b.events });
    // Every session's batch in one transaction (one commit per flush, however many tabs record).
    try {
      await store.write(batches.map(toWrite));
      return report({ ok: true, error: null });
    } catch (first) {
      // Make room by dropping old sessions, then try each session once more on its own: a batch
      // that can never be stored must not hold back the other sessions' batches.
      try {
        await store.enforce({ maxSessions: Math.max(1, Math.floor(opts.retention.maxSessions / 2)), maxEvents: Math.floor(opts.retention.maxEvents / 2) }, opts.liveSessions());
      } catch {
        for (const b of batches) requeue(b);
        return report({ ok: false, error: errorText(first) });
      }
      let failed = false;
      for (const b of batches) {
        try {
          await store.write([toWrite(b)]);
        } catch {
          failed = true;
          requeue(b);
        }
      }
      report(failed ? { ok: false, error: errorText(first) } : { ok: true, error: null });
    }
  };

  /** Bounds a session's queue: the oldest events go first, and are counted as lost. */
  const trim = (p: Pending): void => {
    const over = p.events.length - opts.maxPendingEvents;
    if (over <= 0) return;
    p.events.splice(0, over);
    report({ lostEvents: status.lostEvents + over });
  };

  /** Puts a failed batch back in front of whatever was enqueued meanwhile. */
  const requeue = (b: Pending): void => {
    const cur = pending.get(b.session.id);
    const merged: Pending = cur ? { session: cur.session, connections: new Map([...b.connections, ...cur.connections]), events: [...b.events, ...cur.events] } : b;
    pending.set(b.session.id, merged);
    trim(merged);
  };

  const schedule = (): void => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      running = running.then(writeAll);
    }, opts.flushDelayMs);
  };

  return {
    enqueue(session, changed, events) {
      let p = pending.get(session.id);
      if (!p) pending.set(session.id, (p = { session, connections: new Map(), events: [] }));
      p.session = session;
      for (const c of changed) p.connections.set(c.id, c);
      for (const e of events) p.events.push(e);
      trim(p);
      schedule();
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      running = running.then(writeAll);
      await running;
    },
    dropPayloads(sessionId, evictions) {
      // Events still pending were blanked in memory and are written blank; the ones already
      // stored are rewritten once every earlier write has landed.
      running = running
        .then(writeAll)
        .then(() => store.dropPayloads(sessionId, evictions))
        .catch((e: unknown) => report({ ok: false, error: errorText(e) }));
    },
    status: () => ({ ...status, pendingEvents: pendingCount() }),
  };
}
