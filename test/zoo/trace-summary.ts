/**
 * A few lines per tab of what the CLI captured, read back from its `--trace` file: printed when
 * a zoo verdict differs from the oracle, so a CI log alone says whether the generation was
 * captured at all, on which transport, and what the page showed.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { TraceSessionV1 } from '../../src/core/export/trace-format';

const MAX_CONNECTIONS = 30;

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + (u.search.length > 40 ? `${u.search.slice(0, 40)}…` : u.search);
  } catch {
    return url.slice(0, 60);
  }
}

export function traceSummary(file: string): string {
  if (!existsSync(file)) return `(no trace at ${file})`;
  let sessions: TraceSessionV1[];
  try {
    sessions = (JSON.parse(readFileSync(file, 'utf8')) as { sessions: TraceSessionV1[] }).sessions;
  } catch (e) {
    return `(the trace ${file} does not parse: ${(e as Error).message})`;
  }
  const lines: string[] = [];
  for (const s of sessions) {
    const shown = (s.view ?? []).reduce((most, v) => Math.max(most, v.text.length), 0);
    lines.push(`tab ${s.tabId ?? '?'} ${s.url}: ${s.connections.length} connections, ${s.view?.length ?? 0} view samples (longest ${shown} chars)`);
    for (const c of s.connections.slice(0, MAX_CONNECTIONS)) {
      const m = c.summary;
      const text = c.events.map((e) => e.text ?? '').join('');
      lines.push(
        `  ${m.kind} ${m.method} ${pathOf(m.url)} status ${m.status ?? '-'}: ${m.events} events, ${m.bytesIn} B in, ${m.bytesOut} B out, ` +
          `${m.end ?? m.state}${m.endDetail ? ` (${m.endDetail})` : ''}${m.faults.length ? `, faults ${m.faults.map((f) => f.kind).join('/')}` : ''}` +
          `${m.detail ? `, ${m.detail}` : ''} · ${JSON.stringify(text.slice(0, 80))}`,
      );
    }
    if (s.connections.length > MAX_CONNECTIONS) lines.push(`  … ${s.connections.length - MAX_CONNECTIONS} more`);
  }
  return lines.join('\n');
}
