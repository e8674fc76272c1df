/**
 * Who is connected for each tab: the panels watching it and the relays of its documents
 * (one per frame). The tab is always the port's sender's, never something a page sent.
 */
import type { Transport } from '../protocol/kit';

export interface RelayLink {
  transport: Transport;
  origin: string | null;
  isTop: boolean;
}

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
  forgetTab(tabId: number): void;
}

export function createRoutes(): Routes {
  const panels = new Map<number, Set<Transport>>();
  const relays = new Map<number, Set<RelayLink>>();
  const none = new Set<never>();
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
    forgetTab(tabId) {
      panels.delete(tabId);
      relays.delete(tabId);
    },
  };
}
