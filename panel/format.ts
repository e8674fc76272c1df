import type { ConnectionSummary } from '../src/core/trace/model';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** The status column: HTTP status while it runs, then how it ended. */
export function statusLabel(c: ConnectionSummary): string {
  if (c.state === 'connecting') return 'pending';
  if (c.state === 'reconnecting') return 'reconnecting';
  if (c.state === 'open') return c.status === null ? 'open' : `${c.status} streaming`;
  switch (c.end) {
    case 'clean':
      return c.status === null ? 'ended' : `${c.status} ended`;
    case 'server-close':
      return `closed by server${c.endDetail ? ` (${c.endDetail})` : ''}`;
    case 'client-abort':
      // fetch is aborted; sockets and EventSources are closed (often normally, after "done").
      return c.kind === 'fetch' || c.kind === 'xhr' ? 'aborted by app' : `closed by app${c.endDetail ? ` (${c.endDetail})` : ''}`;
    case 'network-error':
      return `network error${c.endDetail ? `: ${c.endDetail}` : ''}`;
    default:
      return 'ended';
  }
}

export function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}
