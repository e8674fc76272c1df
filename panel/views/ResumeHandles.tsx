/** The resume handles of the selected connection's stream (offsets, cursors, run or stream ids…). */
import type { Recognition } from '../../src/core/protocols';
import { summarizeHandles } from '../logic/handles';

export function ResumeHandles({ rec }: { rec: Pick<Recognition, 'handles'> }) {
  const list = summarizeHandles(rec.handles);
  if (list.length === 0) return null;
  return (
    <ul class="resume-handles" aria-label="Resume handles">
      {list.map((h) => (
        <li key={h.kind} data-kind={h.kind} title={h.count > 1 ? `${h.count} distinct values; the last is what a client resumes from` : undefined}>
          <span class="muted">{h.kind}</span> <code>{h.last}</code>
          {h.count > 1 && <span class="muted"> (last of {h.count})</span>}
        </li>
      ))}
    </ul>
  );
}
