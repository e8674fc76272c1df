/**
 * What the output view says about where the answer came from: the recognizer, or a field of
 * the payloads (matched to the page, or picked by the user), and the choices of the picker.
 * Pure, so each sentence is tested; the view only places them.
 */
import type { AnswerField, FieldCandidate } from '../../src/core/view/answer-field';
import { ANSWER_AT } from '../../src/core/view/field-recognition';

export interface AnswerSource {
  /** The recognizer's name ("Unrecognized stream" when none read it). */
  name: string;
  guess: boolean;
  /** The field the text came from, split so the view can set the path as code. */
  field: { code: string | null; rest: string } | null;
  how: 'recognizer' | 'page' | 'picked';
}


/** Splits "params.message of “x” messages" into its path and the rest (labels start with the path). */
export function fieldParts(f: Pick<AnswerField, 'key' | 'label'>): { code: string | null; rest: string } {
  const path = f.key.slice(f.key.indexOf('|') + 1);
  if (path !== '(data)' && f.label.startsWith(path)) return { code: path, rest: f.label.slice(path.length) };
  return { code: null, rest: f.label };
}

export function answerSource(rec: { name: string; guess: boolean }, field: AnswerField | null, picked: boolean): AnswerSource {
  if (!field) return { name: rec.name, guess: rec.guess, field: null, how: 'recognizer' };
  // `withAnswerField` appended the field to the recognizer's name; it is shown on its own here.
  const at = rec.name.lastIndexOf(ANSWER_AT);
  const name = at >= 0 ? rec.name.slice(0, at) : rec.name;
  return { name, guess: rec.guess && name !== 'Unrecognized stream', field: fieldParts(field), how: picked ? 'picked' : 'page' };
}

const PREVIEW = 48;

/** One option of the picker: the field, how many values it carried and how its text starts. */
export function candidateLabel(c: FieldCandidate): string {
  const text = c.preview.replace(/\s+/g, ' ').trim();
  const preview = text.length > PREVIEW ? `${text.slice(0, PREVIEW - 1)}…` : text;
  return `${c.label} · ${c.values} values · “${preview}”`;
}
