/**
 * What the background knows per tab: its capture (folded by the core's `applyRecord`) and the
 * panels listening to it. Browser-free, so the routing rules are unit-tested in Node.
 */
import { applyRecord, snapshotOf, type TabCapture, type TabSnapshot } from '../core/trace/model';
import type { CaptureRecord } from '../core/trace/records';

export interface TabState {
  capture: TabCapture;
  /** The document whose hello reset the tab last (top frame). */
  topDocId: string | null;
}

export interface TabRegistry {
  /** A document's relay said hello. Returns true when this starts a new page load of the tab. */
  hello(tabId: number, docId: string, isTopFrame: boolean, firstConnect: boolean): boolean;
  apply(tabId: number, docId: string, records: CaptureRecord[]): CaptureRecord[];
  snapshot(tabId: number): TabSnapshot;
  clear(tabId: number): void;
  remove(tabId: number): void;
}

export function createTabRegistry(): TabRegistry {
  const tabs = new Map<number, TabState>();
  const get = (tabId: number): TabState => {
    let t = tabs.get(tabId);
    if (!t) {
      t = { capture: new Map(), topDocId: null };
      tabs.set(tabId, t);
    }
    return t;
  };
  return {
    hello(tabId, docId, isTopFrame, firstConnect) {
      const t = get(tabId);
      if (!isTopFrame || !firstConnect || t.topDocId === docId) return false;
      t.topDocId = docId;
      t.capture = new Map();
      return true;
    },
    apply(tabId, docId, records) {
      const t = get(tabId);
      return records.filter((r) => applyRecord(t.capture, docId, r) !== null);
    },
    snapshot(tabId) {
      return snapshotOf(get(tabId).capture);
    },
    clear(tabId) {
      get(tabId).capture = new Map();
    },
    remove(tabId) {
      tabs.delete(tabId);
    },
  };
}
