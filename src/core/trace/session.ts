/**
 * A session as stored and listed: one page load of a tab with what ties its connections
 * together. Shared by the background (which stores it) and the panel (which lists it).
 */
import type { TabLists } from './model';
import type { Mock } from '../mock/model';
import type { TestId, Verdict } from '../analysis/types';

export interface SessionInfo extends TabLists {
  id: string;
  tabId: number;
  /** Identifies one run of the browser: tab ids are reused after a restart, sessions are not. */
  browserRun: string;
  /** URL of the page load (top document) as the browser reported it. */
  url: string;
  startedAt: number;
  updatedAt: number;
  connections: number;
  events: number;
  bytes: number;
  correlationIds: string[];
  /** Mocks armed for this page load (the panel's Mocks drawer), newest last. */
  mocks?: Mock[];
  /** Last capture batch stored per document (relay seq), to notice lost or repeated batches. */
  docSeqs?: Record<string, number>;
}

/** One run of a validation test and its verdict, kept with the session it ran against. */
export interface TestRunRecord {
  id: string;
  test: TestId;
  startedAt: number;
  endedAt: number;
  verdict: Verdict;
}

/** Health of capture storage, shown by the panel whenever it is not ok. */
export interface StorageStatus {
  ok: boolean;
  /** Human-readable reason of the last failure, e.g. "QuotaExceededError: …". */
  error: string | null;
  /** Events that could not be stored and were dropped from the pending queue. */
  lostEvents: number;
  /** Events waiting to be written. */
  pendingEvents: number;
}
