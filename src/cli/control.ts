/**
 * Drives the extension from Node the way the panel does: an extension page (the panel page
 * opened without a tab) bridges the panel's own port code to Node, and the kit's client sends
 * requests over it (see src/protocol/adapters/page-bridge.ts). The check runner and the e2e
 * tests use it, so they exercise the same background code paths as a user clicking in the
 * panel, with no second implementation.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { createClient, type Client } from '../protocol/kit';
import { panelSide, type PanelEvents, type PanelRequests, type PANEL_REPLIES, type RunTestOptions, type StopPress, runTestTimeoutMs } from '../protocol/panel';
import { hostTransport } from '../protocol/adapters/page-bridge';
import type { TabSnapshot, TraceEvent } from '../core/trace/model';
import { appendPart } from '../core/trace/snapshot-parts';
import type { TestId } from '../core/analysis/types';
import type { SessionInfo, TestRunRecord } from '../core/trace/session';
import type { FaultSpec } from '../core/faults/spec';
import type { AnyRecording } from '../core/replay/any';
import type { WsAction } from '../protocol/ws-control';

export type PanelClient = Client<PanelRequests, PanelEvents, typeof PANEL_REPLIES>;

export interface Control {
  page: Page;
  readonly tabId: number;
  /** The kit's client, for what the methods below do not cover (e.g. watching events). */
  readonly client: PanelClient;
  /** Points the control at a tab (and starts recording it, as an open panel does). */
  attach(tabId: number): Promise<void>;
  snapshot(): Promise<TabSnapshot>;
  /** The snapshot with the id of the session (page load) it belongs to. */
  session(): Promise<{ sessionId: string | null; snapshot: TabSnapshot }>;
  /** The stored sessions of this browser profile (also from before a browser restart). */
  sessions(): Promise<SessionInfo[]>;
  /** One stored session, read back from storage as the panel's session picker opens it. */
  loadSession(sessionId: string): Promise<{ session: SessionInfo; snapshot: TabSnapshot }>;
  runTest(test: TestId, options: Partial<RunTestOptions>, onProgress?: (step: string, elapsedMs: number) => void): Promise<TestRunRecord>;
  armFault(fault: FaultSpec): Promise<void>;
  /** Arms a replay: the tab's next matching request is answered from the recording. */
  replay(recording: AnyRecording, scale?: number): Promise<void>;
  disarmFault(faultId: string): Promise<void>;
  /**
   * Acts on one captured WebSocket (`conn`: its connection id in the snapshot), as the panel's
   * Control tab does; what happened comes back in the connection's `controls` and frame marks.
   */
  wsControl(conn: string, action: WsAction): Promise<void>;
  /** Records the tab's origin from page load on, as the panel's checkbox does. */
  setRecordOnLoad(enabled: boolean): Promise<void>;
  /** Tells a running second-tab-cancel test what the driver's stop press did. */
  reportStop(stop: StopPress): Promise<void>;
  close(): Promise<void>;
}

/**
 * The browser tab ids of the tabs whose top document shows `url`, as the pages' relays say (the
 * extension has no host permissions, so the tabs API hides URLs from its own pages too).
 */
export async function tabsShowing(control: Pick<Control, 'client'>, url: string): Promise<number[]> {
  return (await control.client.request('find-tabs', { url })).tabIds;
}

/**
 * Finds the browser tab id of a page: the page must show a URL no other tab shows. Its relay
 * connects as the page starts loading, so the page may not be known yet: ask again a while.
 */
export async function tabIdOf(control: Pick<Control, 'client'>, url: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const ids = await tabsShowing(control, url);
    if (ids.length > 1) throw new Error(`${ids.length} browser tabs show ${url}: cannot tell which one is meant`);
    if (ids.length === 1) return ids[0]!;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no browser tab shows ${url}`);
}

export async function openControl(context: BrowserContext, extensionId: string, initialTabId: number | null = null): Promise<Control> {
  let tabId = initialTabId ?? -1;
  const page = await context.newPage();
  const transport = await hostTransport({
    expose: async (name, fn) => {
      await page.exposeBinding(name, (_source, kind: string, payload: unknown) => fn(kind, payload));
    },
    evaluate: (expression) => page.evaluate(expression),
  });
  const client = createClient(panelSide, transport);
  // Like the panel, subscribe again after the service worker restarts: the background must
  // learn again that the tab is watched.
  transport.onConnect((first) => {
    if (!first && tabId >= 0) client.request('subscribe', { tabId }).catch((error: unknown) => console.error(`durable-sessions: could not subscribe again after a reconnect: ${String(error)}`));
  });
  // The panel page without ?tabId renders only a notice and installs the bridge.
  await page.goto(`chrome-extension://${extensionId}/panel/index.html`);
  await transport.ready;
  if (tabId >= 0) await client.request('subscribe', { tabId });

  /**
   * Collects the parts that follow a snapshot too large for one message (listening before the
   * request, since they follow its reply at once) and puts their events back in place.
   */
  const partsOf = (type: 'snapshot-part' | 'stored-session-part') => {
    const got: Array<{ connectionId: string; events: TraceEvent[] }> = [];
    let wake: (() => void) | null = null;
    const stop = client.on(type, (m) => {
      if (m.tabId !== tabId) return;
      got.push({ connectionId: m.connectionId, events: m.events });
      wake?.();
    });
    return {
      stop,
      async into(snapshot: TabSnapshot, count: number): Promise<TabSnapshot> {
        const deadline = Date.now() + 60_000;
        while (got.length < count) {
          if (Date.now() > deadline) throw new Error(`only ${got.length} of the ${count} parts of the capture arrived`);
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 1000);
          });
        }
        const byId = new Map(snapshot.connections.map((c) => [c.summary.id, c]));
        for (const p of got.slice(0, count)) appendPart(byId, p);
        return snapshot;
      },
    };
  };

  const control: Control = {
    page,
    client,
    get tabId() {
      return tabId;
    },
    async attach(id) {
      tabId = id;
      await client.request('subscribe', { tabId: id });
    },
    async snapshot() {
      return (await control.session()).snapshot;
    },
    async session() {
      // What the page's hooks still hold, or is on its way, belongs to the capture asked for now.
      await client.request('flush-capture', { tabId });
      const parts = partsOf('snapshot-part');
      try {
        const { sessionId, snapshot, parts: count } = await client.request('subscribe', { tabId });
        return { sessionId, snapshot: await parts.into(snapshot, count ?? 0) };
      } finally {
        parts.stop();
      }
    },
    async sessions() {
      return (await client.request('list-sessions', { tabId })).sessions;
    },
    async loadSession(sessionId) {
      const parts = partsOf('stored-session-part');
      try {
        const { session, snapshot, parts: count } = await client.request('load-session', { tabId, sessionId });
        return { session, snapshot: await parts.into(snapshot, count ?? 0) };
      } finally {
        parts.stop();
      }
    },
    async runTest(test, options, onProgress) {
      const stop = client.on('test-progress', (m) => {
        if (m.tabId === tabId && m.test === test) onProgress?.(m.step, m.elapsedMs);
      });
      try {
        return (await client.request('run-test', { tabId, test, options }, { timeoutMs: runTestTimeoutMs(options) })).run;
      } finally {
        stop();
      }
    },
    async replay(recording, scale = 1) {
      await client.request('replay', { tabId, recording, scale });
    },
    async armFault(fault) {
      await client.request('arm-fault', { tabId, fault });
    },
    async disarmFault(faultId) {
      await client.request('disarm-fault', { tabId, faultId });
    },
    async wsControl(conn, action) {
      await client.request('ws-control', { tabId, conn, action });
    },
    async setRecordOnLoad(enabled) {
      await client.request('set-record-on-load', { tabId, enabled });
    },
    async reportStop(stop) {
      await client.request('stop-pressed', { tabId, ...stop });
    },
    async close() {
      client.close();
      await page.close();
    },
  };
  return control;
}
