/**
 * A recognition re-read with the answer field the page showed: the field's values become the
 * text deltas (replacing the recognizer's guesses, if any), and everything else the
 * recognizer found (handles, finish, cancel, controls) is kept. Frames whose event type means
 * finish / cancel / error still end the message when the recognizer did not say so.
 */
import type { AiEvent, Recognition, ResumeHandle } from '../protocols/types';
import { handlesOf, typeMeaning, typeOf } from '../protocols/generic-fields';
import { fieldValues, payloadOf, type AnswerField, type FieldValue } from './answer-field';

/** What `withAnswerField` appends to the recognizer's name, before the field's label. */
export const ANSWER_AT = ' · answer text at ';

export interface FieldRecognition extends Recognition {
  answerField: AnswerField;
}

const MESSAGE_ID_KEYS = ['messageId', 'message_id', 'msgId', 'responseId', 'response_id'];

function objectsOf(x: unknown): Record<string, unknown>[] {
  if (Array.isArray(x)) return x.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v));
  return typeof x === 'object' && x !== null ? [x as Record<string, unknown>] : [];
}

function messageIdOf(x: unknown): string | undefined {
  for (const o of objectsOf(x)) {
    for (const k of MESSAGE_ID_KEYS) if (typeof o[k] === 'string' || typeof o[k] === 'number') return String(o[k]);
    const params = o.params ?? o.data ?? o.payload;
    if (typeof params === 'object' && params !== null) for (const k of MESSAGE_ID_KEYS) if (typeof (params as Record<string, unknown>)[k] === 'string') return (params as Record<string, string>)[k];
  }
  return undefined;
}

function meaningOf(x: unknown): ReturnType<typeof typeMeaning> {
  if (Array.isArray(x)) return typeof x[0] === 'string' ? typeMeaning(x[0]) : undefined;
  return typeMeaning(typeOf(x));
}

/** `fields`: the recognition's `fieldValues`, when the caller already has them. */
export function withAnswerField(rec: Recognition, field: AnswerField, fields: Map<string, FieldValue[]> = fieldValues(rec.frames)): FieldRecognition {
  const values = fields.get(field.key) ?? [];
  const valueFrames = new Set(values.map((v) => v.frame));
  const kept = rec.events.filter((e) => e.type !== 'text-delta');
  const withHandles = new Set(kept.filter((e) => e.handles?.length).map((e) => e.frame));
  const hasEnd = new Set(kept.filter((e) => e.type === 'finish' || e.type === 'cancel' || e.type === 'error').map((e) => e.frame));
  // The recognizer's message ids by frame: its finish and the field's text must land in one message.
  const recMessage = new Map<number, string>();
  for (const e of rec.events) if (e.messageId !== undefined && !recMessage.has(e.frame)) recMessage.set(e.frame, e.messageId);
  const lastRecMessage = [...recMessage.values()].at(-1);
  const added: AiEvent[] = [];
  for (const v of values) {
    const f = rec.frames[v.frame];
    if (!f) continue;
    const payload = payloadOf(f);
    const e: AiEvent = { type: 'text-delta', text: v.text, frame: v.frame };
    const messageId = messageIdOf(payload) ?? recMessage.get(v.frame) ?? lastRecMessage;
    if (messageId !== undefined) e.messageId = messageId;
    if (!withHandles.has(v.frame)) {
      const handles: ResumeHandle[] = [...(f.id ? [{ kind: 'event-id' as const, value: f.id }] : []), ...objectsOf(payload).flatMap(handlesOf)];
      if (handles.length) e.handles = handles;
    }
    added.push(e);
  }
  // End-of-answer frames the recognizer did not read (e.g. a Socket.IO "done" event).
  for (const f of rec.frames) {
    if (f.dir !== 'in' || valueFrames.has(f.index) || hasEnd.has(f.index)) continue;
    const payload = payloadOf(f);
    const meaning = meaningOf(payload);
    if (meaning === 'finish' || meaning === 'cancel') {
      const messageId = messageIdOf(payload);
      added.push({ type: meaning, frame: f.index, ...(messageId !== undefined ? { messageId } : {}) });
    }
  }
  const events = [...kept, ...added].sort((a, b) => a.frame - b.frame);
  return { ...rec, name: `${rec.protocol ? rec.name : 'Unrecognized stream'}${ANSWER_AT}${field.label}`, events, answerField: field };
}
