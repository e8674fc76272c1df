import type { ConnectionSummary } from '../../src/core/trace/model';
import { transportLabel } from '../../src/core/trace/model';
import { formatBytes, shortUrl, statusLabel } from '../format';

interface Props {
  connections: ConnectionSummary[];
  selectedId: string | null;
  onSelect(id: string): void;
}

export function ConnectionTable({ connections, selectedId, onSelect }: Props) {
  const move = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const i = connections.findIndex((c) => c.id === selectedId);
    const next = connections[e.key === 'ArrowDown' ? Math.min(i + 1, connections.length - 1) : Math.max(i - 1, 0)];
    if (next) onSelect(next.id);
  };
  return (
    <table class="grid connections" aria-label="Streaming connections" tabIndex={0} onKeyDown={move}>
      <thead>
        <tr>
          <th scope="col">URL</th>
          <th scope="col">Kind</th>
          <th scope="col">Status</th>
          <th scope="col" class="num">Events</th>
          <th scope="col" class="num">Received</th>
        </tr>
      </thead>
      <tbody>
        {connections.map((c) => (
          <tr
            key={c.id}
            class={c.id === selectedId ? 'selected' : undefined}
            aria-selected={c.id === selectedId}
            data-state={c.state}
            onClick={() => onSelect(c.id)}
          >
            <td class="url" title={c.url}>
              <span class="method">{c.method}</span> {shortUrl(c.url)}
            </td>
            <td>{transportLabel(c)}</td>
            <td class={`status status-${c.end ?? c.state}`}>{statusLabel(c)}</td>
            <td class="num events">{c.events}</td>
            <td class="num">{formatBytes(c.bytesIn)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
