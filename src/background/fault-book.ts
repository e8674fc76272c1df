/**
 * The one owner of armed faults. The panel shows what this book holds (it comes with every
 * capture-state), the hooks get what it says, and it lives in `storage.session`, so a worker
 * restart forgets nothing: disarming a session-scoped fault after a restart still reaches every
 * tab it was sent to. Faults live in a page's hook, so a new page load in a tab starts with none,
 * and the book forgets the tab's faults then too: the panel never lists a fault nobody holds.
 */
import type { Storage } from 'webextension-polyfill';
import { parseFaultSpec, type FaultSpec } from '../core/faults/spec';
import type { ArmedFault } from '../protocol/panel';

const KEY = 'armedFaults';
/** Bounded: a runaway client cannot grow storage.session without end. */
const MAX_FAULTS = 200;

interface Entry extends ArmedFault {
  /** The tabs the fault was sent to (the tab, or the tab and its linked tabs for scope 'session'). */
  tabs: number[];
  /** Whether the hook reported that it fired (kept for the restart; the panel counts firings itself). */
  fired: boolean;
}

export interface FaultBook {
  /** Resolves once the book is loaded (start-up). */
  ready: Promise<void>;
  arm(spec: FaultSpec, tabs: number[], now: number): void;
  /** Removes the fault; returns the tabs it was sent to (empty when unknown). */
  disarm(faultId: string): number[];
  /** Marks a stall as released; returns the tabs it was sent to. */
  release(faultId: string): number[];
  /** The hook of a tab reported that the fault fired. */
  fired(faultId: string): void;
  /** What a panel of the tab shows as armed. */
  armedIn(tabId: number): ArmedFault[];
  /** The tab loaded a new page: its hook holds no fault, so neither does the book for that tab. */
  navigated(tabId: number): void;
  forgetTab(tabId: number): void;
}

export function createFaultBook(area: Pick<Storage.StorageArea, 'get' | 'set'> | undefined, onError: (error: unknown) => void): FaultBook {
  const entries = new Map<string, Entry>();
  const save = () => void area?.set({ [KEY]: [...entries.values()] }).catch(onError);
  const ready = (async () => {
    const got = area ? await area.get(KEY).catch((e: unknown) => (onError(e), {})) : {};
    const list = (got as Record<string, unknown>)[KEY];
    if (!Array.isArray(list)) return;
    for (const raw of list.slice(0, MAX_FAULTS)) {
      const e = raw as Partial<Entry> | null;
      const parsed = parseFaultSpec(e?.spec);
      if (!parsed.ok || !Array.isArray(e?.tabs)) continue;
      entries.set(parsed.spec.id, { spec: parsed.spec, tabs: e.tabs.filter((t) => Number.isInteger(t)), armedAt: Number(e.armedAt) || 0, released: e.released === true, fired: e.fired === true });
    }
  })();
  const tabsOf = (faultId: string) => entries.get(faultId)?.tabs ?? [];
  const forgetTab = (tabId: number) => {
    let changed = false;
    for (const [id, e] of entries) {
      if (!e.tabs.includes(tabId)) continue;
      e.tabs = e.tabs.filter((t) => t !== tabId);
      if (e.tabs.length === 0) entries.delete(id);
      changed = true;
    }
    if (changed) save();
  };
  return {
    ready,
    arm(spec, tabs, now) {
      if (!entries.has(spec.id) && entries.size >= MAX_FAULTS) entries.delete(entries.keys().next().value!);
      entries.set(spec.id, { spec, tabs: [...new Set(tabs)], armedAt: now, released: false, fired: false });
      save();
    },
    disarm(faultId) {
      const tabs = tabsOf(faultId);
      if (entries.delete(faultId)) save();
      return tabs;
    },
    release(faultId) {
      const e = entries.get(faultId);
      if (!e) return [];
      e.released = true;
      save();
      return e.tabs;
    },
    fired(faultId) {
      const e = entries.get(faultId);
      if (!e || e.fired) return;
      e.fired = true;
      save();
    },
    armedIn(tabId) {
      return [...entries.values()].filter((e) => e.tabs.includes(tabId)).map(({ spec, armedAt, released }) => ({ spec, armedAt, released }));
    },
    navigated: forgetTab,
    forgetTab,
  };
}
