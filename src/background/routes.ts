/**
 * Who is connected for each tab: the panels watching it and the relays of its documents
 * (one per frame). The tab is always the port's sender's, never something a page sent.
 */
import type { Client, Transport } from '../protocol/kit';
import type { BackgroundToRelay, RELAY_REPLIES, RelayToBackground } from '../protocol/page';

export interface RelayLink {
  transport: Transport;
  /** Sends the relay the background's requests (a test's stop press, the document's URL). */
  client: Client<BackgroundToRelay, RelayToBackground, typeof RELAY_REPLIES>;
  origin: string | null;
  isTop: boolean;
  /** Set by the relay's hello: the document it speaks for. */
  docId: string | null;
  /** The document's URL when it connected, as the browser says (or the relay, without one). */
  url: string | null;
  /** Its messages still being handled (a batch being folded): a flush waits for them. */
  inflight: Set<Promise<void>>;
}

/** A relay whose document said hello. */
export type HelloRelay = RelayLink & { docId: string };

export interface Routes {
  addPanel(tabId: number, panel: Transport): void;
  removePanel(tabId: number, panel: Transport): void;
  panelsOf(tabId: number): ReadonlySet<Transport>;
  /** Tabs with at least one panel watching. */
  watchedTabs(): number[];
  addRelay(tabId: number, relay: RelayLink): void;
  removeRelay(tabId: number, relay: RelayLink): void;
  relaysOf(tabId: number): ReadonlySet<RelayLink>;
  /** The origin of the tab's top document, as its relay's sender says. */
  topOrigin(tabId: number): string | null;
  /** The relay of the tab's top document that connected last and said hello (an old one may not be gone yet). */
  topRelay(tabId: number): HelloRelay | null;
  /** Every tab's top relay that said hello. */
  topRelays(): Array<{ tabId: number; relay: HelloRelay }>;
  forgetTab(tabId: number): void;
}

export function createRoutes(): Routes {
  const panels = new Map<number, Set<Transport>>();
  const relays = new Map<number, Set<RelayLink>>();
  const none = new Set<never>();
  const topRelay = (tabId: number): HelloRelay | null => [...(relays.get(tabId) ?? [])].filter((r): r is HelloRelay => r.isTop && r.docId !== null).at(-1) ?? null;
  const add = <T,>(map: Map<number, Set<T>>, tabId: number, item: T) => {
    let set = map.get(tabId);
    if (!set) map.set(tabId, (set = new Set()));
    set.add(item);
  };
  return {
    addPanel: (tabId, panel) => add(panels, tabId, panel),
    removePanel: (tabId, panel) => void panels.get(tabId)?.delete(panel),
    panelsOf: (tabId) => panels.get(tabId) ?? none,
    watchedTabs: () => [...panels].filter(([, set]) => set.size > 0).map(([tabId]) => tabId),
    addRelay: (tabId, relay) => add(relays, tabId, relay),
    removeRelay: (tabId, relay) => void relays.get(tabId)?.delete(relay),
    relaysOf: (tabId) => relays.get(tabId) ?? none,
    topOrigin(tabId) {
      for (const r of relays.get(tabId) ?? []) if (r.isTop) return r.origin;
      return null;
    },
    topRelay,
    topRelays() {
      const out: Array<{ tabId: number; relay: HelloRelay }> = [];
      for (const tabId of relays.keys()) {
        const relay = topRelay(tabId);
        if (relay) out.push({ tabId, relay });
      }
      return out;
    },
    forgetTab(tabId) {
      panels.delete(tabId);
      relays.delete(tabId);
    },
  };
}
