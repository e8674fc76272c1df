import type { ConnectionCapture, TraceEvent } from '../../src/core/trace/model';
import { transportLabel } from '../../src/core/trace/model';
import { formatBytes, formatDuration } from '../format';

/** Shown rows are capped until the virtualized event view lands (panel issue). */
const MAX_ROWS = 500;

function preview(e: TraceEvent): string {
  if (e.text !== null) return e.text.length > 300 ? `${e.text.slice(0, 300)}…` : e.text;
  return e.base64 !== null ? `(binary ${formatBytes(e.size)})` : '';
}

export function EventList({ connection }: { connection: ConnectionCapture }) {
  const { summary, events } = connection;
  const shown = events.length > MAX_ROWS ? events.slice(-MAX_ROWS) : events;
  return (
    <section class="events" aria-label="Events">
      <header class="events-header">
        <strong>{transportLabel(summary)}</strong> <span class="url">{summary.url}</span>
        <span class="count">{events.length} events</span>
        {events.length > MAX_ROWS && <span class="note">showing the last {MAX_ROWS}</span>}
      </header>
      {events.length === 0 ? (
        <p class="empty">No events on this connection yet.</p>
      ) : (
        <table class="grid" aria-label="Connection events">
          <thead>
            <tr>
              <th scope="col" class="num">#</th>
              <th scope="col" class="num">Time</th>
              <th scope="col">Dir</th>
              <th scope="col">Type</th>
              <th scope="col">Id</th>
              <th scope="col" class="num">Size</th>
              <th scope="col">Data</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.seq}>
                <td class="num">{e.seq}</td>
                <td class="num">+{formatDuration(e.time - summary.startedAt)}</td>
                <td class={`dir dir-${e.dir}`}>{e.dir === 'in' ? '↓' : '↑'}</td>
                <td>{e.event ?? (e.text !== null ? 'text' : 'binary')}</td>
                <td>{e.id ?? ''}</td>
                <td class="num">{formatBytes(e.size)}</td>
                <td class="data">{preview(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
