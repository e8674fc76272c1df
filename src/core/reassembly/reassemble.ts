/**
 * `reassemble`: the answer(s) a recognized stream delivered, one message per messageId (or
 * agent, or 'default'), with every character traceable to the frame that carried it.
 * A finish/cancel/error event without a messageId or agent ends the whole stream, so it
 * applies to every message; with one, only to that message.
 */
import type { AiEvent, Recognition } from '../protocols/types';

export interface TextSpan {
  /** [start, end) in the message text. */
  start: number;
  end: number;
  frame: number;
}

export interface AssembledMessage {
  key: string;
  agent?: string;
  text: string;
  spans: TextSpan[];
  finished: boolean;
  cancelled: boolean;
  /** Last error reported for this message (or the stream), if any. */
  error?: string;
}

export interface Output {
  messages: AssembledMessage[];
}

export function messageKey(e: Pick<AiEvent, 'messageId' | 'agent'>): string {
  return e.messageId ?? e.agent ?? 'default';
}

/**
 * `reassemble` as a fold, for a stream that grows: `feed` reads `events[from..]`; `output` is
 * what `reassemble` gives for every event fed so far. Each output is a copy: later feeds do
 * not change one already handed out.
 */
export interface Reassembler {
  feed(events: readonly AiEvent[], from: number): void;
  output(): Output;
}

export function reassembler(): Reassembler {
  const byKey = new Map<string, AssembledMessage>();
  const ensure = (e: AiEvent): AssembledMessage => {
    const key = messageKey(e);
    let m = byKey.get(key);
    if (!m) {
      m = { key, text: '', spans: [], finished: false, cancelled: false };
      if (e.agent !== undefined) m.agent = e.agent;
      byKey.set(key, m);
    }
    return m;
  };
  const targets = (e: AiEvent): AssembledMessage[] => {
    // A stream that ends before any text still needs somewhere to show how it ended.
    if (e.messageId === undefined && e.agent === undefined) return byKey.size > 0 ? [...byKey.values()] : [ensure(e)];
    const m = byKey.get(messageKey(e));
    return m ? [m] : [ensure(e)];
  };
  const one = (e: AiEvent): void => {
    switch (e.type) {
      case 'message-start':
        ensure(e);
        break;
      case 'text-delta': {
        if (e.text === '') break;
        const m = ensure(e);
        const start = m.text.length;
        m.text += e.text;
        const last = m.spans.at(-1);
        if (last && last.frame === e.frame && last.end === start) last.end = m.text.length;
        else m.spans.push({ start, end: m.text.length, frame: e.frame });
        break;
      }
      case 'finish':
        for (const m of targets(e)) m.finished = true;
        break;
      case 'cancel':
        for (const m of targets(e)) m.cancelled = true;
        break;
      case 'error':
        for (const m of targets(e)) m.error = e.message;
        break;
      default:
        break;
    }
  };
  return {
    feed(events, from) {
      for (let i = from; i < events.length; i++) one(events[i]!);
    },
    // Only a message's last span is ever extended in place: the copy gives it a span of its own.
    output: () => ({
      messages: [...byKey.values()].map((m) => {
        const spans = m.spans.slice();
        if (spans.length > 0) spans[spans.length - 1] = { ...spans[spans.length - 1]! };
        return { ...m, spans };
      }),
    }),
  };
}

export function reassemble(rec: Pick<Recognition, 'events'>): Output {
  const r = reassembler();
  r.feed(rec.events, 0);
  return r.output();
}

/** All messages' text in order, for a quick look. */
export function fullText(out: Output): string {
  return out.messages.map((m) => m.text).join('');
}

/** The frame that delivered character `pos` of `m`, or undefined when out of range. */
export function frameAt(m: Pick<AssembledMessage, 'spans'>, pos: number): number | undefined {
  return m.spans.find((s) => s.start <= pos && pos < s.end)?.frame;
}
