/**
 * Connects the panel store to the background over the kit's client: subscribe on every
 * (re)connect, apply every event, and show a refused or unanswered request in the panel
 * instead of dropping it.
 */
import { createClient, errorMessage, type Transport } from '../src/protocol/kit';
import { panelSide, runTestTimeoutMs, type RunTestOptions } from '../src/protocol/panel';
import type { TestId } from '../src/core/analysis';
import type { FaultSpec } from '../src/core/faults/spec';
import type { AnyRecording } from '../src/core/replay/any';
import type { Mock } from '../src/core/mock/model';
import type { WsAction } from '../src/protocol/ws-control';
import { applyMessage, type PanelStore } from './store';

/**
 * Each request resolves true once the background carried it out, false when it refused or
 * never answered (the store's `requestError` then says why). Replies reach the store as events.
 */
export interface PanelConnection {
  clear(): Promise<boolean>;
  setRecordOnLoad(enabled: boolean): Promise<boolean>;
  listSessions(): Promise<boolean>;
  loadSession(sessionId: string): Promise<boolean>;
  armFault(fault: FaultSpec): Promise<boolean>;
  disarmFault(faultId: string): Promise<boolean>;
  releaseFault(faultId: string, deliver: boolean): Promise<boolean>;
  /** Resolves when the verdict is in (the store has it then), or false when the test could not run. */
  runTest(test: TestId, options: Partial<RunTestOptions>): Promise<boolean>;
  cancelTest(): Promise<boolean>;
  /** Answer the page's next matching request from a recording (see src/hook/replay.ts); a mock's is kept with the session. */
  replay(recording: AnyRecording, scale: number, mock?: Mock): Promise<boolean>;
  /** Deep capture of the tab's workers on or off (the caller has asked for the permission). */
  setDeepCapture(enabled: boolean): Promise<boolean>;
  /** Act on one of the tab's WebSockets (its connection id); the result comes back as a control note. */
  wsControl(conn: string, action: WsAction): Promise<boolean>;
}

/**
 * The panel over any transport: the extension's port (connect-port.ts), or an in-memory one
 * (the inline shell, tests). This module loads outside an extension too.
 */
export function connectPanelOver(store: PanelStore, transport: Transport): PanelConnection {
  const tabId = store.tabId.value ?? -1;
  const client = createClient(panelSide, transport);
  client.onAny((msg) => applyMessage(store, msg));
  /** Every request's failure is shown in the panel; the caller learns only whether it worked. */
  const shown = async <T,>(what: string, p: Promise<T>): Promise<boolean> => {
    try {
      await p;
      store.captureState.requestError.value = null;
      return true;
    } catch (error) {
      store.captureState.requestError.value = `${what} failed: ${errorMessage(error)}`;
      return false;
    }
  };
  transport.onConnect(() => {
    // A new connection (first, or after the worker restarted) gets a fresh snapshot, which the
    // store takes like any event. The list first: a long capture's events follow the reply in
    // parts (the store holds new records until the last), so its connections show at once.
    store.connected.value = true;
    void shown('Subscribing to the tab', client.request('subscribe', { tabId, listFirst: true }));
  });
  transport.onDisconnect(() => (store.connected.value = false));
  return {
    clear: () => shown('Clear', client.request('clear', { tabId })),
    setRecordOnLoad: (enabled) => shown('Record from page load', client.request('set-record-on-load', { tabId, enabled })),
    listSessions: () => shown('Listing stored sessions', client.request('list-sessions', { tabId })),
    loadSession: (sessionId) => shown('Opening the stored session', client.request('load-session', { tabId, sessionId })),
    armFault: (fault) => shown('Arming the fault', client.request('arm-fault', { tabId, fault })),
    disarmFault: (faultId) => shown('Disarming the fault', client.request('disarm-fault', { tabId, faultId })),
    releaseFault: (faultId, deliver) => shown('Releasing the stall', client.request('release-fault', { tabId, faultId, deliver })),
    runTest: (test, options) => shown(`The ${test} test`, client.request('run-test', { tabId, test, options }, { timeoutMs: runTestTimeoutMs(options) })),
    cancelTest: () => shown('Cancelling the test', client.request('cancel-test', { tabId })),
    replay: (recording, scale, mock) => shown(mock ? 'Arming the mock' : 'Arming the replay', client.request('replay', { tabId, recording, scale, ...(mock ? { mock } : {}) })),
    setDeepCapture: (enabled) => shown(enabled ? 'Turning deep capture on' : 'Turning deep capture off', client.request('set-deep-capture', { tabId, enabled })),
    wsControl: (conn, action) => shown(`WebSocket ${action.kind}`, client.request('ws-control', { tabId, conn, action })),
  };
}
