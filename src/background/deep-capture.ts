/**
 * Deep capture: the streams a tab's workers open, which the page hook (MAIN world of the
 * documents) never sees, read through Chromium's debugger. Per tab, off by default, turned on
 * only by a panel request. It attaches `chrome.debugger` to the tab and auto-attaches to the
 * tab's workers (`Target.setAutoAttach` with flatten and waitForDebuggerOnStart, so a new
 * worker's first request is not missed), enables `Network` in each worker only, never in the
 * page's own target (the hook already captures the page: nothing appears twice), and hands each
 * worker's Network events to the translator (cdp-records.ts), one capture "document" per worker.
 *
 * Browser-free: the debugger API is injected (chrome.debugger in index.ts), so it runs in Node.
 */
import type { CaptureRecord, WorkerType } from '../core/trace/records';
import { WORKER_TYPES } from '../core/trace/records';
import type { DeepCaptureState } from '../protocol/panel';
import { createCdpTranslator, type CdpParams, type CdpTranslator } from './cdp-records';

/** The part of `chrome.debugger` deep capture uses (Chrome 125+: `sessionId` on a target). */
export interface DebuggerTarget {
  tabId?: number;
  sessionId?: string;
}
export interface DebuggerApi {
  attach(target: DebuggerTarget, version: string): Promise<void>;
  detach(target: DebuggerTarget): Promise<void>;
  sendCommand(target: DebuggerTarget, method: string, params?: object): Promise<unknown>;
  onEvent: { addListener(fn: (source: DebuggerTarget, method: string, params?: object) => void): void };
  onDetach: { addListener(fn: (source: DebuggerTarget, reason: string) => void): void };
}

export interface DeepCaptureDeps {
  /** Null when the browser or build has no debugger API: `unavailable` says why. */
  debugger: DebuggerApi | null;
  unavailable: string | null;
  now(): number;
  /** Records of one worker (its document id), to fold into the tab's capture. */
  onRecords(tabId: number, docId: string, records: CaptureRecord[]): void;
  /** The tab's deep-capture state changed: its panels should hear it. */
  onChange(tabId: number): void;
  onError(where: string, error: unknown): void;
}

export interface DeepCapture {
  state(tabId: number): DeepCaptureState;
  set(tabId: number, enabled: boolean): Promise<void>;
  /** The tab's last panel closed or the tab went: deep capture ends with the panel's session. */
  stop(tabId: number, reason: string): void;
}

interface WorkerSession {
  docId: string;
  type: WorkerType;
  url: string;
  translator: CdpTranslator;
}

interface TabDeep {
  workers: Map<string, WorkerSession>;
  /** Set while turning off, so our own detach is not reported as something that happened to us. */
  detaching: boolean;
}

/** What the user is told when the browser ended the debugging session. */
function detachReason(reason: string): string {
  if (reason === 'canceled_by_user') return 'You closed the browser\'s "started debugging this browser" banner, which ends deep capture.';
  if (reason === 'target_closed') return 'The tab closed.';
  return `The browser ended the debugging session (${reason}).`;
}

const isWorkerType = (t: unknown): t is WorkerType => (WORKER_TYPES as readonly unknown[]).includes(t);

export function createDeepCapture(deps: DeepCaptureDeps): DeepCapture {
  const tabs = new Map<number, TabDeep>();
  const offReasons = new Map<number, string>();
  const dbg = deps.debugger;

  const send = (target: DebuggerTarget, method: string, params: object = {}) => dbg!.sendCommand(target, method, params);

  const ended = (tabId: number, reason: string | null) => {
    const tab = tabs.get(tabId);
    if (!tab) return;
    tabs.delete(tabId);
    for (const w of tab.workers.values()) {
      const records = w.translator.endAll('deep capture stopped reading this worker');
      if (records.length > 0) deps.onRecords(tabId, w.docId, records);
    }
    if (reason) offReasons.set(tabId, reason);
    deps.onChange(tabId);
  };

  /** A target auto-attached to the tab (or to one of its workers, for a worker's own workers). */
  const attached = async (tabId: number, p: CdpParams) => {
    const tab = tabs.get(tabId);
    const sessionId = p.sessionId as string;
    const info = (p.targetInfo ?? {}) as CdpParams;
    const target: DebuggerTarget = { tabId, sessionId };
    if (!tab || !isWorkerType(info.type)) {
      // Frames and anything else: the page hook covers them. Let them run, and leave them.
      await send(target, 'Runtime.runIfWaitingForDebugger');
      await send({ tabId }, 'Target.detachFromTarget', { sessionId });
      return;
    }
    const url = typeof info.url === 'string' ? info.url : '';
    const worker: WorkerSession = { docId: `deep-${String(info.targetId ?? sessionId).replace(/[^A-Za-z0-9_-]/g, '')}`, type: info.type, url, translator: createCdpTranslator({ type: info.type, url }, { now: deps.now }) };
    tab.workers.set(sessionId, worker);
    deps.onChange(tabId);
    // Network first, then let the worker run: its first request is seen.
    await send(target, 'Network.enable');
    // A worker's own workers (nested dedicated workers) come through its session.
    await send(target, 'Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
    await send(target, 'Runtime.runIfWaitingForDebugger');
  };

  dbg?.onEvent.addListener((source, method, params) => {
    const tabId = source.tabId;
    if (tabId === undefined || !tabs.has(tabId)) return;
    const p = (params ?? {}) as CdpParams;
    if (method === 'Target.attachedToTarget') {
      void attached(tabId, p).catch((e: unknown) => deps.onError('deep capture: attaching a worker', e));
      return;
    }
    const tab = tabs.get(tabId)!;
    if (method === 'Target.detachedFromTarget') {
      const w = tab.workers.get(p.sessionId as string);
      if (!w) return;
      tab.workers.delete(p.sessionId as string);
      const records = w.translator.endAll('the worker ended');
      if (records.length > 0) deps.onRecords(tabId, w.docId, records);
      deps.onChange(tabId);
      return;
    }
    const w = source.sessionId ? tab.workers.get(source.sessionId) : undefined;
    if (!w) return;
    const out = w.translator.event(method, p);
    if (out.records.length > 0) deps.onRecords(tabId, w.docId, out.records);
    if (out.streamRequestId) {
      const requestId = out.streamRequestId;
      send({ tabId, sessionId: source.sessionId }, 'Network.streamResourceContent', { requestId }).then(
        (r) => {
          const data = (r as { bufferedData?: unknown } | undefined)?.bufferedData;
          const records = typeof data === 'string' ? w.translator.buffered(requestId, data) : [];
          if (records.length > 0) deps.onRecords(tabId, w.docId, records);
        },
        // A body that finished before we asked cannot be streamed: what was held of it comes
        // now (its end among it), without the bytes.
        (e: unknown) => {
          deps.onError('deep capture: streaming a worker response body', e);
          const records = w.translator.buffered(requestId, '');
          if (records.length > 0) deps.onRecords(tabId, w.docId, records);
        },
      );
    }
  });

  dbg?.onDetach.addListener((source, reason) => {
    const tabId = source.tabId;
    if (tabId === undefined || source.sessionId) return;
    const tab = tabs.get(tabId);
    if (!tab || tab.detaching) return;
    ended(tabId, detachReason(reason));
  });

  return {
    state(tabId) {
      return {
        unavailable: deps.unavailable,
        on: tabs.has(tabId),
        offReason: tabs.has(tabId) ? null : (offReasons.get(tabId) ?? null),
        workers: [...(tabs.get(tabId)?.workers.values() ?? [])].map((w) => ({ type: w.type, url: w.url })),
      };
    },

    async set(tabId, enabled) {
      if (!dbg) throw new Error(deps.unavailable ?? 'deep capture is unavailable here');
      if (enabled) {
        if (tabs.has(tabId)) return;
        offReasons.delete(tabId);
        tabs.set(tabId, { workers: new Map(), detaching: false });
        try {
          await dbg.attach({ tabId }, '1.3');
          // The page's own target: no Network domain (the hook captures the page), only auto-attach to its workers.
          await send({ tabId }, 'Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
        } catch (e) {
          tabs.delete(tabId);
          deps.onChange(tabId);
          throw new Error(`deep capture could not attach the debugger to the tab: ${e instanceof Error ? e.message : String(e)}`);
        }
        deps.onChange(tabId);
        return;
      }
      const tab = tabs.get(tabId);
      if (!tab) return;
      tab.detaching = true;
      await dbg.detach({ tabId }).catch((e: unknown) => deps.onError('deep capture: detaching', e));
      ended(tabId, null);
    },

    stop(tabId, reason) {
      const tab = tabs.get(tabId);
      if (!tab || !dbg) return;
      tab.detaching = true;
      void dbg.detach({ tabId }).catch((e: unknown) => deps.onError('deep capture: detaching', e));
      ended(tabId, reason);
    },
  };
}
