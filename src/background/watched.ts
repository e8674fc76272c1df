/**
 * Tabs a panel watches, kept in `storage.session` so they survive a service-worker restart: a
 * restarted worker has no panel ports yet (panels reconnect a moment later), and without this
 * it would tell those tabs' hooks to stop recording and drop their next batches. A remembered
 * tab counts as watched for a grace period after start-up, until its panel is back.
 */
import type { Storage } from 'webextension-polyfill';

const KEY = 'watchedTabs';
export const GRACE_MS = 10_000;

export interface WatchedTabs {
  /** Resolves once the remembered set is loaded (start-up). */
  ready: Promise<void>;
  remembered(tabId: number): boolean;
  set(tabId: number, watched: boolean): void;
}

export function createWatchedTabs(area: Pick<Storage.StorageArea, 'get' | 'set'> | undefined, now: () => number): WatchedTabs {
  const tabs = new Set<number>();
  let startedAt = now();
  const save = () => void area?.set({ [KEY]: [...tabs] }).catch(() => undefined);
  const ready = (async () => {
    const got = area ? await area.get(KEY).catch(() => ({})) : {};
    const list = (got as Record<string, unknown>)[KEY];
    if (Array.isArray(list)) for (const t of list) if (Number.isInteger(t)) tabs.add(t as number);
    startedAt = now();
  })();
  return {
    ready,
    remembered: (tabId) => tabs.has(tabId) && now() - startedAt < GRACE_MS,
    set(tabId, watched) {
      if (watched === tabs.has(tabId)) return;
      if (watched) tabs.add(tabId);
      else tabs.delete(tabId);
      save();
    },
  };
}
