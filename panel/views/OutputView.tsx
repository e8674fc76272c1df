/** The reassembled answer(s): per message / agent, every span clickable back to its event. */
import { copyText } from '../clipboard';
import type { ConnectionCapture } from '../../src/core/trace/model';
import { fullText } from '../../src/core/reassembly';
import { answerPickOf, selectFrame, type PanelStore } from '../store';
import { AnswerSource } from './AnswerSource';
import { HideSecretsToggle } from './HideSecretsToggle';
import { hideSecrets, shownText } from '../logic/hide-secrets';

function titleOf(m: { key: string; agent?: string }, many: boolean): string {
  if (m.agent) return m.agent;
  return m.key === 'default' || !many ? 'Answer' : m.key;
}

export function OutputView({ store, conn }: { store: PanelStore; conn: ConnectionCapture }) {
  const pick = answerPickOf(store, conn.summary.id);
  const rec = store.analysis.recognition(conn, pick);
  const out = store.analysis.output(conn, pick);
  const mode = store.eventMode.value;
  const sel = store.selection.eventIndex.value;
  const selectedFrame = sel === null ? null : mode === 'messages' ? sel : (store.eventRows.value[sel] && rec.frames.find((f) => f.at.first <= sel && sel <= f.at.last)?.index);
  const messages = out.messages.filter((m) => m.text !== '' || m.finished || m.cancelled || m.error);
  if (messages.length === 0) {
    const choices = pick !== null || store.analysis.candidates(conn).length > 0;
    const what = pick !== null ? 'No answer text in the picked field.' : `No answer text recognized in this stream${rec.protocol ? ` (${rec.name})` : ''}.`;
    const empty = <p class="empty">{what} {choices ? 'Pick the field that carries it above, or see what arrived in the Events tab.' : 'The Events tab shows what arrived.'}</p>;
    if (!choices) return empty;
    return (
      <div class="output" aria-label="Output">
        <div class="subbar wrap">
          <AnswerSource store={store} conn={conn} />
        </div>
        {empty}
      </div>
    );
  }
  const many = messages.length > 1;
  const hide = hideSecrets.value;
  return (
    <div class="output" aria-label="Output">
      <div class="subbar wrap">
        <AnswerSource store={store} conn={conn} />
        <span class="count output-count">
          {messages.length} {many ? 'messages' : 'message'}
        </span>
        <span class="spacer" />
        <HideSecretsToggle />
        <button type="button" onClick={() => void copyText(shownText(fullText({ messages })), 'reassembled text')}>
          Copy all text
        </button>
      </div>
      {messages.map((m) => (
        <article key={m.key} class="message" data-key={m.key} data-agent={m.agent} aria-label={titleOf(m, many)}>
          <header>
            <strong>{titleOf(m, many)}</strong>
            <span class={`badge ${m.error ? 'bad' : m.cancelled ? 'warn' : m.finished ? 'ok' : 'live'}`}>
              {m.error ? `error: ${m.error}` : m.cancelled ? 'cancelled' : m.finished ? 'finished' : conn.summary.state === 'ended' ? 'cut off' : 'streaming…'}
            </span>
            <span class="muted">
              {m.text.length} chars · {m.spans.length} spans
            </span>
            <span class="spacer" />
            <button type="button" onClick={() => void copyText(shownText(m.text), 'reassembled text')}>
              Copy text
            </button>
          </header>
          {hide ? (
            // A secret can straddle spans: the whole text is masked at once, and shown without spans.
            <div class="text" title="Spans are not shown while secrets are hidden">
              {shownText(m.text, true)}
            </div>
          ) : (
          <div class="text">
            {m.spans.map((s) => (
              <span
                key={s.start}
                class={s.frame === selectedFrame ? 'span selected' : 'span'}
                data-frame={s.frame}
                title={`Delivered by message #${s.frame}: click to show it`}
                onClick={() => selectFrame(store, s.frame)}
              >
                {m.text.slice(s.start, s.end)}
              </span>
            ))}
          </div>
          )}
        </article>
      ))}
    </div>
  );
}
