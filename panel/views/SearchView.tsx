/**
 * Search across all streams, a drawer like DevTools' Search (Ctrl/Cmd+Shift+F): a text or
 * regex query over every connection's raw chunks, joined messages and reassembled answers;
 * hits grouped by connection with the match highlighted. ↑/↓ move, Enter or a click shows
 * the hit's event in the Events view, Esc closes.
 */
import { useEffect, useRef } from 'preact/hooks';
import { transportLabel } from '../../src/core/trace/model';
import type { SearchHit } from '../../src/core/search/streams';
import { shortUrl } from '../format';
import { jumpToHit, stepHit } from '../stream-search';
import type { PanelStore } from '../store';

const SOURCE_LABELS: Record<SearchHit['source'], string> = { event: 'chunk', frame: 'message', answer: 'answer' };

const oneLine = (s: string) => s.replace(/\r?\n/g, '⏎');

export function SearchView({ store }: { store: PanelStore }) {
  const s = store.streamSearch;
  void store.version.value;
  const result = s.result.value;
  const hits = s.hits.value;
  const active = s.active.value;
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active]);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      stepHit(s, e.key === 'ArrowDown' ? 1 : -1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (hits.length === 0) return;
      if (active < 0) s.active.value = 0;
      jumpToHit(store, hits[Math.max(0, active)]!);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      s.open.value = false;
    }
  };
  let flat = -1;
  return (
    <section class="stream-search" aria-label="Search all streams" onKeyDown={onKeyDown}>
      <div class="subbar">
        <input
          id="stream-search"
          type="search"
          placeholder="Search all streams (text or regex)"
          aria-label="Search all streams"
          aria-invalid={result.error !== null}
          aria-describedby="stream-search-status"
          value={s.query.value}
          onInput={(e) => {
            s.query.value = e.currentTarget.value;
            s.active.value = -1;
          }}
        />
        <label title="Treat the query as a regular expression">
          <input type="checkbox" checked={s.regex.value} onChange={(e) => ((s.regex.value = e.currentTarget.checked), (s.active.value = -1))} /> Regex
        </label>
        <label>
          <input type="checkbox" checked={s.caseSensitive.value} onChange={(e) => ((s.caseSensitive.value = e.currentTarget.checked), (s.active.value = -1))} /> Match case
        </label>
        <span id="stream-search-status" class={result.error ? 'error' : 'muted'} role="status" data-total={result.total}>
          {result.error ??
            (s.query.value === ''
              ? 'Type to search every stream'
              : `${result.total} ${result.total === 1 ? 'match' : 'matches'} in ${result.groups.length} ${result.groups.length === 1 ? 'connection' : 'connections'}${result.truncated ? ` (first ${hits.length} listed)` : ''}`)}
        </span>
        <button type="button" aria-label="Close search" title="Close (Esc)" onClick={() => (s.open.value = false)}>
          ✕
        </button>
      </div>
      <div class="search-results" ref={list} role="listbox" aria-label="Search results">
        {result.groups.map((g) => {
          const conn = store.capture.get(g.connectionId);
          return (
            <div key={g.connectionId} class="hit-group" role="group" aria-label={conn ? `${conn.summary.method} ${shortUrl(conn.summary.url)}` : g.connectionId} data-id={g.connectionId} data-count={g.count}>
              <div class="hit-group-title">
                <strong>{conn ? transportLabel(conn.summary) : ''}</strong> {conn ? `${conn.summary.method} ${shortUrl(conn.summary.url)}` : g.connectionId} <span class="muted">({g.count})</span>
              </div>
              {g.hits.map((h) => {
                flat += 1;
                const i = flat;
                return (
                  <div
                    key={`${h.source}-${h.seq}-${h.frame}-${h.start}`}
                    role="option"
                    class={i === active ? 'hit active' : 'hit'}
                    aria-selected={i === active}
                    data-seq={h.seq}
                    data-source={h.source}
                    onClick={() => {
                      s.active.value = i;
                      jumpToHit(store, h);
                    }}
                  >
                    <span class="hit-where muted">{SOURCE_LABELS[h.source]} #{h.source === 'event' ? h.seq : (h.frame ?? h.seq)}</span>
                    <span class="hit-text">
                      {oneLine(h.snippet.before)}
                      <mark>{oneLine(h.snippet.match)}</mark>
                      {oneLine(h.snippet.after)}
                    </span>
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </section>
  );
}
