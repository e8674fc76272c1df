/**
 * Where the output's text came from, beside the recognizer's name: a field the page showed
 * (matched), or one the user picked from the connection's streaming fields; "Automatic" goes
 * back to the recognizer and the page match.
 */
import type { ConnectionCapture } from '../../src/core/trace/model';
import { answerFieldOf } from '../analysis';
import { answerSource, candidateLabel } from '../logic/answerField';
import { answerPickOf, pickAnswerField, type PanelStore } from '../store';

export function AnswerSource({ store, conn }: { store: PanelStore; conn: ConnectionCapture }) {
  const pick = answerPickOf(store, conn.summary.id);
  const rec = store.analysis.recognition(conn, pick);
  const src = answerSource(rec, answerFieldOf(rec), pick !== null);
  const candidates = store.analysis.candidates(conn);
  const known = pick === null || candidates.some((c) => c.key === pick);
  // A fragment: the subbar's first span stays the recognizer's name, as before.
  return (
    <>
      <span class="answer-name">
        {src.name}
        {src.guess ? ' (guessed)' : ''}
      </span>
      {src.field && (
        <span class="answer-field" title={src.how === 'page' ? 'The page showed the text this field carried, in the order it arrived' : 'You picked this field as the answer'}>
          answer text at {src.field.code !== null && <code>{src.field.code}</code>}
          {src.field.rest}
          <span class="muted">{src.how === 'page' ? ' — matched to the page' : ' — picked'}</span>
        </span>
      )}
      {(candidates.length > 0 || pick !== null) && (
        <select
          class="answer-pick"
          aria-label="Answer field"
          title="Which field of the received messages carries the answer text"
          value={pick ?? ''}
          onChange={(e) => pickAnswerField(store, conn.summary.id, (e.currentTarget as HTMLSelectElement).value || null)}
        >
          <option value="">Automatic</option>
          {candidates.map((c) => (
            <option key={c.key} value={c.key} title={c.preview}>
              {candidateLabel(c)}
            </option>
          ))}
          {!known && <option value={pick!}>{pick}</option>}
        </select>
      )}
    </>
  );
}
