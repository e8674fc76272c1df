/** The session picker's list: newest first, each with what a user recognises it by. */
import type { SessionInfo } from '../../src/core/trace/session';
import { formatBytes } from '../format';

export function sortSessions(list: SessionInfo[]): SessionInfo[] {
  return [...list].sort((a, b) => b.updatedAt - a.updatedAt || b.startedAt - a.startedAt);
}

/** "3 connections · 120 events · 4.1 kB" */
export function sessionCounts(s: Pick<SessionInfo, 'connections' | 'events' | 'bytes'>): string {
  const n = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
  return `${n(s.connections, 'connection')} · ${n(s.events, 'event')} · ${formatBytes(s.bytes)}`;
}

/** When, relative to `now` for today and as a date otherwise. */
export function sessionWhen(startedAt: number, now: number, locale?: string): string {
  const d = new Date(startedAt);
  const time = d.toLocaleTimeString(locale, { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return sameDay ? `today ${time}` : `${d.toLocaleDateString(locale)} ${time}`;
}

/** Test verdicts of a session, e.g. "1 test: FAIL", for the picker. */
export function sessionTests(s: Pick<SessionInfo, 'testRuns'>): string {
  if (s.testRuns.length === 0) return '';
  const fails = s.testRuns.filter((r) => r.verdict.verdict === 'fail').length;
  return `${s.testRuns.length} test run${s.testRuns.length === 1 ? '' : 's'}${fails ? `, ${fails} failed` : ''}`;
}
