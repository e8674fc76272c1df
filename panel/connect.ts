/** Connects the panel store to the background: subscribe on every (re)connect, apply what comes. */
import { createReconnectingPort } from '../src/adapters/port';
import type { TestId } from '../src/core/analysis';
import type { FaultSpec } from '../src/core/faults/spec';
import type { ReplayRecording } from '../src/core/replay/recording';
import { PANEL_PORT, isBackgroundToPanel, message, type BackgroundToPanel, type PanelToBackground, type RunTestOptions } from '../src/messages';
import { applyMessage, type PanelStore } from './store';

export interface PanelConnection {
  clear(): void;
  setRecordOnLoad(enabled: boolean): void;
  listSessions(): void;
  loadSession(sessionId: string): void;
  armFault(fault: FaultSpec): void;
  disarmFault(faultId: string): void;
  releaseFault(faultId: string, deliver: boolean): void;
  runTest(test: TestId, options: Partial<RunTestOptions>): void;
  cancelTest(): void;
  /** Answer the page's next matching request from a recording (see src/hook/replay.ts). */
  replay(recording: ReplayRecording, scale: number): void;
}

type Body<M> = M extends unknown ? Omit<M, 'source' | 'v' | 'tabId'> : never;

export function connectPanel(store: PanelStore): PanelConnection {
  const tabId = store.tabId.value;
  const port = createReconnectingPort<BackgroundToPanel, PanelToBackground>({
    name: PANEL_PORT,
    eager: true,
    isIncoming: isBackgroundToPanel,
    onMessage: (msg) => applyMessage(store, msg),
    onConnect() {
      // A new connection (first, or after the worker restarted) gets a fresh snapshot.
      if (tabId !== null) port.post(message<PanelToBackground>({ type: 'subscribe', tabId }));
      store.connected.value = true;
    },
  });
  port.connect();
  const send = (body: Body<PanelToBackground>) => {
    if (tabId !== null) port.post(message<PanelToBackground>({ ...body, tabId } as never));
  };
  return {
    clear: () => send({ type: 'clear' }),
    setRecordOnLoad: (enabled) => send({ type: 'set-record-on-load', enabled }),
    listSessions: () => send({ type: 'list-sessions' }),
    loadSession: (sessionId) => send({ type: 'load-session', sessionId }),
    armFault: (fault) => send({ type: 'arm-fault', fault }),
    disarmFault: (faultId) => send({ type: 'disarm-fault', faultId }),
    releaseFault: (faultId, deliver) => send({ type: 'release-fault', faultId, deliver }),
    runTest: (test, options) => send({ type: 'run-test', test, options }),
    cancelTest: () => send({ type: 'cancel-test' }),
    replay: (recording, scale) => send({ type: 'replay', recording, scale }),
  };
}
