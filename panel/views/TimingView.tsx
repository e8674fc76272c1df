/**
 * The Timing tab of a connection: time to first byte and to first content token, total time,
 * tokens per second (the protocol's count or an estimate, said which), inter-token gaps
 * (p50 / p95 / max and a log-bucket histogram), stalls over the threshold (each jumps to its
 * events), and the waits across reconnects this connection took part in.
 */
import type { ConnectionCapture } from '../../src/core/trace/model';
import type { HistogramBucket, StreamTiming, TokenCount } from '../../src/core/analysis';
import { formatClock, formatDuration } from '../format';
import { rowContaining } from '../logic/rows';
import { selectEvent, type PanelStore } from '../store';

const ms = (v: number | null) => (v === null ? '—' : formatDuration(v));

export function tokensLabel(t: TokenCount): string {
  return t.source === 'usage' ? `${t.tokens} (reported by the protocol)` : `~${t.tokens} (estimate: ${t.chars} characters ÷ 4)`;
}

export function rateLabel(t: Pick<StreamTiming, 'tokensPerSecond' | 'tokens'>): string {
  if (t.tokensPerSecond === null) return '—';
  return `${t.tokens.source === 'usage' ? '' : '~'}${t.tokensPerSecond.toFixed(1)}`;
}

/** Exact bounds (the buckets double: 1024–2048 ms, not a rounded "1.0–2.0 s" that 2.01 s seems outside of). */
const seconds = (ms: number) => (ms / 1000).toFixed(1);

export function bucketLabel(b: HistogramBucket): string {
  if (b.toMs === null) return b.fromMs < 10_000 ? `≥ ${b.fromMs} ms` : `≥ ${seconds(b.fromMs)} s`;
  return b.toMs < 10_000 ? `${b.fromMs}–${b.toMs} ms` : `${seconds(b.fromMs)}–${seconds(b.toMs)} s`;
}

function Histogram({ buckets }: { buckets: HistogramBucket[] }) {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  return (
    <div class="histogram" role="table" aria-label="Inter-token gap histogram">
      {buckets.map((b) => (
        <div key={b.fromMs} class="bucket" role="row" data-from={b.fromMs} data-count={b.count}>
          <span class="bucket-label" role="cell">{bucketLabel(b)}</span>
          <span class="bucket-bar" role="cell" title={`${b.count} gaps`}>
            <span style={{ width: `${(b.count / max) * 100}%` }} />
          </span>
          <span class="bucket-count num" role="cell">{b.count}</span>
        </div>
      ))}
    </div>
  );
}

/** `raw`: the unrounded figure, for tools and tests that read the page. */
function Figure({ label, value, name, title, raw }: { label: string; value: string; name: string; title?: string; raw?: number | null }) {
  return (
    <>
      <dt title={title}>{label}</dt>
      <dd data-figure={name} data-value={raw ?? ''}>
        {value}
      </dd>
    </>
  );
}

export function TimingView({ store, conn }: { store: PanelStore; conn: ConnectionCapture }) {
  void store.version.value;
  const t = store.timings.of(conn);
  const stallMs = store.timing.stallMs.value;
  const waits = store.timings.resumes([...store.capture.values()]).filter((w) => w.beforeConnectionId === conn.summary.id || w.afterConnectionId === conn.summary.id);
  const goTo = (seq: number) => {
    store.selection.tab.value = 'events';
    selectEvent(store, store.eventMode.value === 'messages' ? Math.max(0, rowContaining(store.eventRows.value, seq)) : seq, true);
  };
  return (
    <div class="timing-view" aria-label="Stream timing">
      <dl class="figures">
        <Figure label="Time to first byte" name="ttfb" raw={t.firstByteMs} value={ms(t.firstByteMs)} title="From the request to the first received data" />
        <Figure label="Time to first token" name="ttft" raw={t.firstTokenMs} value={ms(t.firstTokenMs)} title="From the request to the first text, reasoning or tool-call delta" />
        <Figure label="Total time" name="total" raw={t.totalMs} value={ms(t.totalMs)} />
        <Figure label="Output tokens" name="tokens" value={t.firstTokenMs === null ? '—' : tokensLabel(t.tokens)} />
        <Figure label="Tokens per second" name="tps" raw={t.tokensPerSecond} value={rateLabel(t)} title="Tokens over the time from the first to the last content token" />
        <Figure label="Gap between tokens, p50 / p95 / max" name="gaps" raw={t.gaps.p50Ms} value={t.gaps.count === 0 ? '—' : `${ms(t.gaps.p50Ms)} / ${ms(t.gaps.p95Ms)} / ${ms(t.gaps.maxMs)}`} />
      </dl>
      {t.gaps.count > 0 && <Histogram buckets={t.gaps.histogram} />}
      <div class="stalls">
        <label>
          Stall when a gap is at least{' '}
          <input
            type="number"
            min={1}
            step={100}
            aria-label="Stall threshold (ms)"
            value={stallMs}
            onChange={(e) => {
              const v = Number(e.currentTarget.value);
              if (v > 0) store.timing.stallMs.value = v;
              else e.currentTarget.value = String(stallMs);
            }}
          />{' '}
          ms
        </label>
        {t.stalls.length === 0 ? (
          <p class="muted" data-stalls={0}>No stall.</p>
        ) : (
          <ol aria-label="Stalls" data-stalls={t.stalls.length}>
            {t.stalls.map((s) => (
              <li key={s.start} data-duration={s.durationMs}>
                <button type="button" class="link" onClick={() => goTo(s.toSeq)} title="Show the event that ended the stall">
                  {formatDuration(s.durationMs)} without a token
                </button>{' '}
                <span class="muted">
                  {formatClock(s.start)} → {formatClock(s.end)} (events {s.fromSeq}–{s.toSeq})
                </span>
              </li>
            ))}
          </ol>
        )}
      </div>
      {waits.length > 0 && (
        <div class="resume-waits">
          <h4>Across reconnects</h4>
          <ul>
            {waits.map((w) => (
              <li key={`${w.beforeConnectionId}-${w.brokeAt}`} data-waited={w.waitedMs ?? ''}>
                {w.waitedMs === null ? 'No new text after the reconnect' : `${formatDuration(w.waitedMs)} with no new text`}{' '}
                <span class="muted">
                  (broke {formatClock(w.brokeAt)}, reopened after {formatDuration(w.reopenedAt - w.brokeAt)}
                  {w.beforeConnectionId === w.afterConnectionId ? ', same connection' : ''})
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {t.messages.length > 1 && (
        <table class="grid message-timing" aria-label="Timing per message">
          <thead>
            <tr>
              <th>Message</th>
              <th class="num">First token</th>
              <th class="num">Last token</th>
              <th class="num">Tokens</th>
              <th class="num">Tokens/s</th>
            </tr>
          </thead>
          <tbody>
            {t.messages.map((m) => (
              <tr key={m.key}>
                <td>{m.key}</td>
                <td class="num">{formatDuration(m.firstTokenMs)}</td>
                <td class="num">{formatDuration(m.lastTokenMs)}</td>
                <td class="num">{m.tokens.source === 'usage' ? m.tokens.tokens : `~${m.tokens.tokens}`}</td>
                <td class="num">{m.tokensPerSecond === null ? '—' : m.tokensPerSecond.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
