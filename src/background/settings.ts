/**
 * User settings the background keeps in `storage.local`: the origins to record from page load
 * (so a reload captures the first stream even before DevTools reattaches).
 */
import type { Storage } from 'webextension-polyfill';

const KEY = 'recordOnLoadOrigins';

export interface RecordingSettings {
  recordsOnLoad(origin: string): Promise<boolean>;
  setRecordOnLoad(origin: string, enabled: boolean): Promise<void>;
}

export function createRecordingSettings(area: Pick<Storage.StorageArea, 'get' | 'set'>): RecordingSettings {
  let cache: Set<string> | null = null;
  const load = async (): Promise<Set<string>> => {
    if (cache) return cache;
    const got = await area.get(KEY);
    const list = got[KEY];
    cache = new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
    return cache;
  };
  return {
    async recordsOnLoad(origin) {
      return (await load()).has(origin);
    },
    async setRecordOnLoad(origin, enabled) {
      const set = await load();
      if (enabled) set.add(origin);
      else set.delete(origin);
      await area.set({ [KEY]: [...set] });
    },
  };
}
