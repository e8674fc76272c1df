/**
 * User settings the background keeps in `storage.local`: the origins to record from page load
 * (so a reload captures the first stream even before DevTools reattaches), and the byte budget
 * of a tab's live capture (`captureBudgetMiB`, read at start-up).
 */
import type { Storage } from 'webextension-polyfill';

const KEY = 'recordOnLoadOrigins';
export const BUDGET_KEY = 'captureBudgetMiB';
/** A budget below this would drop a single generation's text; above, it is the user's call. */
const MIN_BUDGET_MIB = 1;
const MAX_BUDGET_MIB = 4096;

/** The tab byte budget the user set, in bytes, or null for the default. */
export async function byteBudgetSetting(area: Pick<Storage.StorageArea, 'get'>): Promise<number | null> {
  const v = (await area.get(BUDGET_KEY))[BUDGET_KEY];
  return typeof v === 'number' && Number.isFinite(v) && v >= MIN_BUDGET_MIB && v <= MAX_BUDGET_MIB ? Math.round(v * 1024 * 1024) : null;
}

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
