/**
 * The background, browser-free: relays' capture goes into the capture service (memory +
 * IndexedDB) and out to the panels subscribed to that tab; panels' requests are answered by a
 * table of handlers. Everything it uses is injected (storage, settings, the scenario runner that
 * owns tabs, the clock), so it is built and tested in Node over in-memory
 * transports; `index.ts` only wires it to the browser.
 *
 * It also decides whether a tab records at all: only while a panel watches it, a test runs in
 * it, or the user asked to record its origin from page load. Otherwise hooks stay dormant.
 */
import { createClient, createRouter, type Handlers, type Transport } from '../protocol/kit';
import { backgroundPanelSide, type CaptureState, type PanelEvents, type PanelRequests, type PANEL_REPLIES, type RunTestOptions } from '../protocol/panel';
import { LIMITS, backgroundRelaySide, backgroundToRelay, relayToBackground, type BackgroundToRelay, type HookCommands, type RelayToBackground } from '../protocol/page';
import { addInternalErrors, reportOf, sanitizeInternalErrors, type InternalErrorReport } from '../protocol/internal-errors';
import { sanitizeViewSamples } from '../core/view/sample';
import type { TestId, Verdict } from '../core/analysis/types';
import type { CaptureService } from './capture';
import type { CaptureStore } from './store';
import type { Persister } from './persist';
import type { RecordingSettings } from './settings';
import type { WatchedTabs } from './watched';
import type { FaultBook } from './fault-book';
import { createRoutes, type HelloRelay, type RelayLink } from './routes';
import { createTestRuns } from './test-runs';
import type { ScenarioDeps, StopControl } from './scenarios/context';
import type { DeepCapture } from './deep-capture';
import { sanitizeRecord, type CaptureRecord } from '../core/trace/records';
import { SNAPSHOT_INLINE_BYTES, SNAPSHOT_PART_BYTES, splitSnapshot, type SnapshotPart } from '../core/trace/snapshot-parts';
import { parseConnectionId } from '../core/trace/connection-id';
import { mergeFrames } from '../core/trace/frame-columns';

export interface BackgroundServices {
  capture: CaptureService;
  store: CaptureStore;
  persister: Persister;
}

export interface BackgroundDeps {
  /** Opened once at start-up; every handler awaits it (a worker woken by a message must open storage first). */
  services: Promise<BackgroundServices>;
  settings: RecordingSettings;
  watched: WatchedTabs;
  faults: FaultBook;
  /** The URL prefix of the extension's own pages: only they may read captures. */
  extensionUrl: string;
  now(): number;
  newId(): string;
  /** Deep capture of the tabs' workers (Chromium's debugger); absent where it is not wired (tests of the rest). */
  deepCapture?: DeepCapture;
  /** Runs a validation test's scenario against a tab (the tabs API lives behind it). */
  runScenario(tabId: number, test: TestId, options: Partial<RunTestOptions>, deps: ScenarioDeps): Promise<Verdict>;
}

/** Who connected, as the browser (not the message) says. */
export interface Sender {
  tabId?: number;
  frameId?: number;
  url?: string;
}

export interface Background {
  connectRelay(transport: Transport, sender: Sender): void;
  connectPanel(transport: Transport, sender: Sender): void;
  tabRemoved(tabId: number): void;
  /** True while a panel watches a tab or a test runs (Firefox's event page then stays loaded). */
  busy(): boolean;
  /** Updates the panels' storage line (the persister calls this when its status changes). */
  storageChanged(): void;
  /** Deep capture's records of a worker of the tab (the deep-capture module calls this). */
  deepRecords(tabId: number, docId: string, records: CaptureRecord[]): void;
  /** Deep capture's state of the tab changed. */
  deepChanged(tabId: number): void;
}

interface PanelCtx {
  transport: Transport;
  subscribe(tabId: number): void;
}

/**
 * Data records cut to at most `max` characters each, in order: the debugger may hand over a
 * body it buffered before deep capture asked for it in one piece, which the sanitizer's string
 * limit would otherwise clip. Base64 is cut on 4-character boundaries, so each piece decodes.
 */
export function splitLongData(records: readonly CaptureRecord[], max: number): CaptureRecord[] {
  const out: CaptureRecord[] = [];
  const bytes = new TextEncoder();
  for (const r of records) {
    const payload = r.type === 'data' ? (r.text ?? r.base64) : null;
    if (r.type !== 'data' || payload === null || payload.length <= max) {
      out.push(r);
      continue;
    }
    const step = r.text !== null ? max : max - (max % 4);
    for (let at = 0; at < payload.length; ) {
      let end = Math.min(payload.length, at + step);
      // Never between the two halves of a surrogate pair.
      if (r.text !== null && end < payload.length && /[\uD800-\uDBFF]/.test(payload[end - 1]!)) end -= 1;
      const piece = payload.slice(at, end);
      at = end;
      if (r.text !== null) out.push({ ...r, text: piece, size: bytes.encode(piece).length });
      else out.push({ ...r, base64: piece, size: Math.floor((piece.length * 3) / 4) - (piece.endsWith('==') ? 2 : piece.endsWith('=') ? 1 : 0) });
    }
  }
  return out;
}

/** How long a test waits for a tab's top document to connect, and for its relay to answer. */
const RELAY_WAIT_MS = 5000;

function originOf(url: string | undefined): string | null {
  try {
    return new URL(url ?? '').origin;
  } catch {
    // No URL, or one without an origin (about:blank): the tab cannot be recorded by origin.
    return null;
  }
}

export function createBackground(deps: BackgroundDeps): Background {
  const { settings, watched, faults } = deps;
  const routes = createRoutes();
  const runs = createTestRuns(deps.newId);
  /** Tabs opened by a running test: recorded with no panel attached. */
  const testTabs = new Set<number>();
  /** Our failures: in the background (all tabs see them) and reported by each tab's hooks. */
  const backgroundErrors: InternalErrorReport[] = [];
  const pageErrors = new Map<number, InternalErrorReport[]>();
  /** Who waits for a tab's top document to say hello (a test about to ask its relay something). */
  const helloWaiters = new Map<number, Set<() => void>>();

  const failed = (where: string, error: unknown, tell = true) => {
    console.error(`durable-sessions: ${where} failed`, error);
    addInternalErrors(backgroundErrors, [reportOf(`background:${where}`, error)]);
    if (tell) for (const tabId of routes.watchedTabs()) void sendCaptureState(tabId);
  };

  const toPanels = <K extends keyof PanelEvents & string>(tabId: number, type: K, body: PanelEvents[K], except?: Transport) => {
    const msg = backgroundPanelSide.out.make(type, body);
    for (const p of routes.panelsOf(tabId)) if (p !== except) p.post(msg);
  };
  const toRelays = <K extends keyof HookCommands & string>(tabId: number, type: K, body: HookCommands[K]) => {
    const msg = backgroundToRelay.make(type, body as BackgroundToRelay[K]);
    for (const r of routes.relaysOf(tabId)) r.transport.post(msg);
  };

  /**
   * The relay of the tab's top document, once it said hello: a tab a test just opened may have
   * loaded before its relay's port reached us.
   */
  async function topRelayOf(tabId: number): Promise<HelloRelay> {
    if (!routes.topRelay(tabId)) {
      await new Promise<void>((resolve) => {
        let waiting = helloWaiters.get(tabId);
        if (!waiting) helloWaiters.set(tabId, (waiting = new Set()));
        const done = () => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, RELAY_WAIT_MS);
        waiting.add(done);
      });
    }
    const relay = routes.topRelay(tabId);
    if (!relay) throw new Error(`the page in tab ${tabId} has no relay of this extension (it does not run in browser pages such as chrome:// or the web store)`);
    return relay;
  }

  /** A test's stop press, carried out by the relay of the tab's top document. */
  async function pressStop(tabId: number, selector: string | null, press: boolean): Promise<StopControl> {
    const relay = await topRelayOf(tabId);
    const { found, enabled, label } = await relay.client.request('press-stop', { docId: relay.docId, selector, press }, { timeoutMs: RELAY_WAIT_MS });
    return { found, enabled, label };
  }

  /** The URL a tab's top document shows now, as its relay reads it (the tabs API hides it). */
  async function tabUrl(tabId: number): Promise<string> {
    const relay = await topRelayOf(tabId);
    return (await relay.client.request('get-location', { docId: relay.docId }, { timeoutMs: RELAY_WAIT_MS })).url;
  }

  async function isRecording(tabId: number, origin: string | null): Promise<boolean> {
    if (routes.panelsOf(tabId).size > 0 || testTabs.has(tabId)) return true;
    await watched.ready;
    if (watched.remembered(tabId)) return true;
    return origin !== null && (await settings.recordsOnLoad(origin));
  }

  /**
   * Documents whose hook was told to record. A hook posts only while recording, but a batch it
   * posted just before it heard it should stop arrives after: it is still the hook's (a page
   * cannot post on the hook's private channel), and dropping it would lose frames silently.
   * Bounded: the oldest documents are forgotten first.
   */
  const toldToRecord = new Set<string>();
  const TOLD_LIMIT = 1000;
  async function tellRecording(tabId: number, relay: { origin: string | null; docId?: string | null; transport: { post(m: object): void } }): Promise<void> {
    const recording = await isRecording(tabId, relay.origin);
    if (recording && relay.docId) {
      toldToRecord.add(relay.docId);
      if (toldToRecord.size > TOLD_LIMIT) toldToRecord.delete(toldToRecord.values().next().value!);
    }
    relay.transport.post(backgroundToRelay.make('set-recording', { recording }));
  }

  /** Tells every hook of the tab whether to record, and the tab's panels what is going on. */
  async function updateRecording(tabId: number): Promise<void> {
    for (const r of routes.relaysOf(tabId)) await tellRecording(tabId, r);
    await sendCaptureState(tabId);
  }

  async function captureState(tabId: number): Promise<CaptureState> {
    const { persister, capture } = await deps.services;
    await faults.ready;
    const origin = routes.topOrigin(tabId);
    const internalErrors: InternalErrorReport[] = [];
    addInternalErrors(internalErrors, pageErrors.get(tabId) ?? []);
    addInternalErrors(internalErrors, backgroundErrors);
    return {
      recording: await isRecording(tabId, origin),
      recordOnLoad: origin !== null && (await settings.recordsOnLoad(origin)),
      origin,
      storage: persister.status(),
      linkedTabs: capture.links(tabId),
      armedFaults: faults.armedIn(tabId),
      internalErrors,
      deepCapture: deps.deepCapture?.state(tabId) ?? { unavailable: 'Deep capture is not part of this background.', on: false, offReason: null, workers: [] },
    };
  }

  /** Never rejects: callers fire it and forget, so a failure is counted here (and not re-sent, which could loop). */
  async function sendCaptureState(tabId: number): Promise<void> {
    if (routes.panelsOf(tabId).size === 0) return;
    try {
      toPanels(tabId, 'capture-state', { tabId, ...(await captureState(tabId)) });
    } catch (error) {
      failed('capture-state', error, false);
    }
  }

  /** A fault command to the hooks of these tabs, and their panels told what is armed now. */
  const toFaultTabs = <K extends 'arm-fault' | 'disarm-fault' | 'release-fault'>(tabs: number[], type: K, body: HookCommands[K]) => {
    for (const t of tabs) {
      toRelays(t, type, body);
      void sendCaptureState(t);
    }
  };

  /** Posts a split snapshot's parts once the reply that announces them has gone out. */
  const postAfterReply = (parts: SnapshotPart[], post: (p: SnapshotPart) => void): void => {
    if (parts.length === 0) return;
    setTimeout(() => {
      for (const p of parts) {
        try {
          post(p);
        } catch (e) {
          failed('snapshot part', e);
        }
      }
    }, 0);
  };

  // ── panel requests ─────────────────────────────────────────────────────────────────────
  const panelHandlers: Handlers<PanelRequests, PanelEvents, typeof PANEL_REPLIES, PanelCtx> = {
    async subscribe(m, { ctx }) {
      const { capture } = await deps.services;
      ctx.subscribe(m.tabId);
      const { sessionId, snapshot: whole } = await capture.snapshot(m.tabId);
      // The snapshot goes out before the capture-state that follows it, as the panel expects.
      void updateRecording(m.tabId).catch((e: unknown) => failed('subscribe', e));
      // A long capture does not fit one message: the events past the limit follow the reply,
      // to this panel only, and it holds new records until the last part (snapshot-parts.ts).
      // A panel that lists first gets only SNAPSHOT_INLINE_BYTES of events in the reply, so it
      // shows the connections before the bulk of a long capture has been serialized and parsed.
      const { snapshot, parts } = splitSnapshot(whole, SNAPSHOT_PART_BYTES, m.listFirst ? SNAPSHOT_INLINE_BYTES : SNAPSHOT_PART_BYTES);
      postAfterReply(parts, (p) => ctx.transport.post(backgroundPanelSide.out.make('snapshot-part', { tabId: m.tabId, sessionId, connectionId: p.connectionId, events: p.events })));
      return { tabId: m.tabId, sessionId, snapshot, ...(parts.length > 0 ? { parts: parts.length } : {}) };
    },
    async clear(m) {
      const sessionId = await (await deps.services).capture.clear(m.tabId);
      toPanels(m.tabId, 'reset', { tabId: m.tabId, sessionId, reason: 'cleared' });
      return {};
    },
    async 'set-record-on-load'(m) {
      const origin = routes.topOrigin(m.tabId);
      if (!origin) throw new Error(`tab ${m.tabId} shows no page whose origin could be recorded`);
      await settings.setRecordOnLoad(origin, m.enabled);
      await updateRecording(m.tabId);
      return {};
    },
    async 'list-sessions'(m) {
      return { tabId: m.tabId, sessions: await (await deps.services).store.list() };
    },
    async 'load-session'(m, { ctx }) {
      const loaded = await (await deps.services).store.load(m.sessionId);
      if (!loaded) throw new Error(`no stored session ${m.sessionId} (retention may have removed it)`);
      // A stored session is as large as the capture it was: split like a snapshot.
      const { snapshot, parts } = splitSnapshot(loaded.snapshot);
      postAfterReply(parts, (p) => ctx.transport.post(backgroundPanelSide.out.make('stored-session-part', { tabId: m.tabId, sessionId: m.sessionId, connectionId: p.connectionId, events: p.events })));
      return { tabId: m.tabId, session: loaded.session, snapshot, ...(parts.length > 0 ? { parts: parts.length } : {}) };
    },
    async 'arm-fault'(m) {
      const { capture } = await deps.services;
      await faults.ready;
      const tabs = m.fault.scope.kind === 'session' ? [m.tabId, ...capture.linkedTabs(m.tabId)] : [m.tabId];
      faults.arm(m.fault, tabs, deps.now());
      toFaultTabs(tabs, 'arm-fault', { fault: m.fault });
      return {};
    },
    async 'disarm-fault'(m) {
      await faults.ready;
      const tabs = faults.disarm(m.faultId);
      toFaultTabs(tabs.length > 0 ? tabs : [m.tabId], 'disarm-fault', { faultId: m.faultId });
      return {};
    },
    async 'release-fault'(m) {
      await faults.ready;
      const tabs = faults.release(m.faultId);
      toFaultTabs(tabs.length > 0 ? tabs : [m.tabId], 'release-fault', { faultId: m.faultId, deliver: m.deliver });
      return {};
    },
    async 'run-test'(m, { ctx }) {
      const { capture } = await deps.services;
      const { tabId, test } = m;
      const run = await runs.start(tabId, test, async (control) => {
        const startedAt = deps.now();
        const verdict = await deps.runScenario(tabId, test, m.options, {
          capture,
          testTabs,
          armFault: (t, fault) => {
            faults.arm(fault, [t], deps.now());
            toRelays(t, 'arm-fault', { fault });
          },
          disarmFault: (t, faultId) => {
            faults.disarm(faultId);
            toRelays(t, 'disarm-fault', { faultId });
          },
          pressStop,
          tabUrl,
          onProgress: (step) => toPanels(tabId, 'test-progress', { tabId, runId: control.runId, test, step, elapsedMs: deps.now() - startedAt }),
          aborted: control.aborted,
          stopReported: control.stopReported,
        });
        return { id: control.runId, test, startedAt, endedAt: deps.now(), verdict };
      });
      await capture.addTestRun(tabId, run);
      // The requester gets the result as its reply; every other panel of the tab hears it too.
      toPanels(tabId, 'test-result', { tabId, run }, ctx.transport);
      return { tabId, run };
    },
    'cancel-test'(m) {
      runs.cancel(m.tabId);
      return {};
    },
    async replay(m) {
      toRelays(m.tabId, 'arm-replay', { recording: m.recording, scale: m.scale });
      if (m.mock) await (await deps.services).capture.addMock(m.tabId, m.mock);
      return {};
    },
    'stop-pressed'(m) {
      runs.stopPressed(m.tabId, { found: m.found, enabled: m.enabled, label: m.label, ...(m.at !== undefined ? { at: m.at } : {}) });
      return {};
    },
    async 'set-deep-capture'(m) {
      if (!deps.deepCapture) throw new Error('deep capture is not part of this background');
      await deps.deepCapture.set(m.tabId, m.enabled);
      await sendCaptureState(m.tabId);
      return {};
    },
    'ws-control'(m) {
      // Only the document that holds the connection hears it (its relay strips the docId).
      const docId = parseConnectionId(m.conn)?.docId;
      const relay = [...routes.relaysOf(m.tabId)].find((r) => r.docId !== null && r.docId === docId);
      if (!relay) throw new Error(`ws-control: no document of tab ${m.tabId} holds connection ${m.conn} (it may have navigated away)`);
      relay.transport.post(backgroundToRelay.make('ws-control', { conn: m.conn, action: m.action }));
      return {};
    },
    async 'flush-capture'(m) {
      // A hello still being handled first: it tells the hook whether to record, and the flush
      // must reach the hook after that, so that what the flush answers holds for the mode the
      // hook is now in (and a document that just connected is flushed too).
      await Promise.all([...routes.relaysOf(m.tabId)].flatMap((r) => [...r.inflight]));
      const relays = [...routes.relaysOf(m.tabId)].filter((r) => r.docId !== null);
      const unanswered = await Promise.all(
        relays.map(async (relay) => {
          try {
            await relay.client.request('flush', {}, { timeoutMs: RELAY_WAIT_MS });
          } catch {
            // A document going away (a frame removed, a navigation) cannot answer: what it sent is folded below.
            return 1;
          }
          // The answer came after the batches it flushed: wait until they are folded.
          await Promise.all([...relay.inflight]);
          return 0;
        }),
      );
      const missing = unanswered.reduce<number>((a, b) => a + b, 0);
      if (missing > 0) console.warn(`durable-sessions: ${missing} of ${relays.length} documents of tab ${m.tabId} did not answer a capture flush`);
      return {};
    },
    async 'find-tabs'(m) {
      const shown = await Promise.all(
        routes.topRelays().map(async ({ tabId, relay }) => {
          // A document going away cannot answer any more: the URL it connected with is what we know.
          const url = await relay.client.request('get-location', { docId: relay.docId }, { timeoutMs: RELAY_WAIT_MS }).then(
            (r) => r.url,
            () => relay.url,
          );
          return { tabId, url };
        }),
      );
      return { url: m.url, tabIds: shown.filter((s) => s.url === m.url).map((s) => s.tabId) };
    },
  };
  const panelRouter = createRouter(backgroundPanelSide, panelHandlers, (type, e) => failed(type, e));

  // ── relay messages ─────────────────────────────────────────────────────────────────────
  interface RelayCtx {
    tabId: number;
    /** Its `docId` is the document the relay said hello for; nothing is accepted before it. */
    relay: RelayLink;
  }
  /** Answers to the background's own requests: the relay link's client takes them. */
  const answeredToClient = () => undefined;
  const relayHandlers: Handlers<RelayToBackground, BackgroundToRelay, Record<never, never>, RelayCtx> = {
    async hello(m, { ctx }) {
      const { capture } = await deps.services;
      const { tabId, relay } = ctx;
      relay.docId = m.docId;
      relay.url ??= m.url;
      if (relay.isTop) for (const done of [...(helloWaiters.get(tabId) ?? [])]) done();
      if (await capture.hello(tabId, m.docId, relay.url, relay.isTop, m.firstConnect)) {
        await faults.ready;
        faults.navigated(tabId);
        const { sessionId } = await capture.snapshot(tabId);
        toPanels(tabId, 'reset', { tabId, sessionId, reason: 'navigated' });
      }
      // Batches this document sent that storage does not have (the worker died before writing
      // them) come again from the relay's buffer.
      // Always answered: the relay holds new batches until it knows where storage stands.
      relay.transport.post(backgroundToRelay.make('resend', { after: await capture.lastSeq(tabId, m.docId) }));
      await tellRecording(tabId, relay);
      if (relay.isTop) await sendCaptureState(tabId);
    },
    async capture(m, { ctx }) {
      const { capture } = await deps.services;
      const { tabId, relay } = ctx;
      const docId = relay.docId;
      // A hook only sends while told to record (or just before it heard it should stop).
      if (!docId || !(toldToRecord.has(docId) || (await isRecording(tabId, relay.origin)))) return;
      const reported = sanitizeInternalErrors(m.errors);
      if (reported.length > 0) {
        let tally = pageErrors.get(tabId);
        if (!tally) pageErrors.set(tabId, (tally = []));
        addInternalErrors(tally, reported.map((r) => ({ ...r, where: r.where.startsWith('hook:') ? r.where : `hook:${r.where}` })));
        void sendCaptureState(tabId);
      }
      const { records: accepted, evicted } = await capture.apply(tabId, docId, mergeFrames(m.records, m.frames), m.seq);
      for (const r of accepted) if (r.type === 'fault') faults.fired(r.faultId);
      // A new connection may carry the ids that link this tab to another: tell watching panels.
      if (accepted.some((r) => r.type === 'open')) for (const t of routes.watchedTabs()) void sendCaptureState(t);
      if (accepted.length > 0) toPanels(tabId, 'records', { tabId, docId, records: accepted, ...(evicted.length > 0 ? { evicted } : {}) });
    },
    async view(m, { ctx }) {
      const { capture } = await deps.services;
      const { tabId, relay } = ctx;
      const docId = relay.docId;
      if (!docId || !(await isRecording(tabId, relay.origin))) return;
      const samples = sanitizeViewSamples(m.samples, docId);
      await capture.addView(tabId, samples);
      // A sample racing a subscribe may reach the panel in its snapshot and again here: the
      // analysis reads blocks' longest and latest texts, so a repeated sample changes nothing.
      if (samples.length > 0) toPanels(tabId, 'view', { tabId, samples });
    },
    'stop-control': answeredToClient,
    location: answeredToClient,
    flushed: answeredToClient,
    error: answeredToClient,
  };
  const relayRouter = createRouter({ in: relayToBackground, out: backgroundToRelay, replies: {} }, relayHandlers, (type, e) => failed(`relay ${type}`, e));

  /**
   * A worker's records from deep capture, folded like a relay batch of a document of its own
   * (`deep-<target>`). One after another per tab, each numbered after the session's last, so a
   * navigation (a new session) does not read as lost batches.
   */
  let deepQueue: Promise<void> = Promise.resolve();
  const deepRecords = (tabId: number, docId: string, raw: CaptureRecord[]): void => {
    // What a worker sent or received is the page's to shape, as for the hook's records: the
    // same limits apply (URL and header lengths, previews). The sanitizer drops `deep`, which
    // only this path sets, so it is put back.
    const records: CaptureRecord[] = [];
    for (const r of splitLongData(raw, LIMITS.stringBytes)) {
      const clean = sanitizeRecord(r, LIMITS);
      if (!clean) continue;
      if (clean.type === 'open' && r.type === 'open' && r.deep) clean.deep = r.deep;
      records.push(clean);
    }
    deepQueue = deepQueue.then(async () => {
      const { capture } = await deps.services;
      const seq = (await capture.lastSeq(tabId, docId)) + 1;
      const { records: accepted, evicted } = await capture.apply(tabId, docId, records, seq);
      if (accepted.length > 0) toPanels(tabId, 'records', { tabId, docId, records: accepted, ...(evicted.length > 0 ? { evicted } : {}) });
    }).catch((e: unknown) => failed('deep capture records', e));
  };

  return {
    deepRecords,
    deepChanged: (tabId) => void sendCaptureState(tabId),
    connectRelay(transport, sender) {
      const tabId = sender.tabId;
      if (tabId === undefined || tabId < 0) {
        transport.close();
        return;
      }
      const relay: RelayLink = { transport, client: createClient(backgroundRelaySide, transport), origin: originOf(sender.url), isTop: (sender.frameId ?? 0) === 0, docId: null, url: sender.url ?? null, inflight: new Set() };
      routes.addRelay(tabId, relay);
      const ctx: RelayCtx = { tabId, relay };
      transport.onDisconnect(() => routes.removeRelay(tabId, relay));
      transport.onMessage((raw) => {
        // The router reports its handlers' failures itself, so a handled message always settles.
        const handled = relayRouter.handle(raw, ctx, () => undefined);
        relay.inflight.add(handled);
        void handled.finally(() => relay.inflight.delete(handled));
      });
    },
    connectPanel(transport, sender) {
      // Only our own pages may read captures: a content script (or a page through it) may not.
      if (!(sender.url ?? '').startsWith(deps.extensionUrl)) {
        transport.close();
        return;
      }
      let subscribed: number | null = null;
      const ctx: PanelCtx = {
        transport,
        subscribe(tabId) {
          if (subscribed !== null) routes.removePanel(subscribed, transport);
          subscribed = tabId;
          routes.addPanel(tabId, transport);
          watched.set(tabId, true);
        },
      };
      transport.onMessage((raw) => void panelRouter.handle(raw, ctx, (m) => transport.post(m)));
      transport.onDisconnect(() => {
        if (subscribed === null) return;
        routes.removePanel(subscribed, transport);
        if (routes.panelsOf(subscribed).size === 0) {
          watched.set(subscribed, false);
          // Deep capture lasts as long as the panel's session of the tab.
          deps.deepCapture?.stop(subscribed, 'The panel closed.');
        }
        // The last panel of a tab closed: its hooks go dormant unless the origin records on load.
        void updateRecording(subscribed).catch((e: unknown) => failed('panel closed', e));
      });
    },
    tabRemoved(tabId) {
      deps.deepCapture?.stop(tabId, 'The tab closed.');
      void deps.services.then(({ capture }) => capture.forgetTab(tabId));
      faults.forgetTab(tabId);
      pageErrors.delete(tabId);
      helloWaiters.delete(tabId);
      routes.forgetTab(tabId);
    },
    busy: () => runs.running() > 0 || routes.watchedTabs().length > 0,
    storageChanged() {
      for (const tabId of routes.watchedTabs()) void sendCaptureState(tabId);
    },
  };
}
