/**
 * fieldValues on a growing connection walks only its new frames: what it returns must equal a
 * walk of every frame from scratch, at every step, and a caller's earlier result must not change.
 */
import { describe, expect, it } from 'vitest';
import { fieldValues } from '../../../src/core/view/answer-field';
import { messageFramer, type Frame } from '../../../src/core/parse/frames';
import type { TraceEvent } from '../../../src/core/trace/model';

const ev = (seq: number, text: string): TraceEvent => ({ seq, time: seq, dir: 'in', text, base64: null, size: text.length, event: null, id: null });

describe('the string fields of a growing WebSocket', () => {
  it('equal a fresh walk of every frame after each batch; an earlier result keeps its values', () => {
    const frame = messageFramer('websocket')!;
    const frames: Frame[] = [];
    const events: TraceEvent[] = [];
    const msg = (i: number) => (i % 7 === 3 ? JSON.stringify({ type: 'status', state: `s${i}` }) : JSON.stringify({ type: 'token', token: ` w${i}`, meta: { n: `${i}` } }));
    let earlier: Map<string, unknown[]> | null = null;
    let earlierCopy: unknown = null;
    for (const batch of [5, 1, 12, 30]) {
      const from = events.length;
      for (let i = 0; i < batch; i++) events.push(ev(events.length, msg(events.length)));
      frame(events, from, frames);
      const got = fieldValues(frames);
      // New frame objects: nothing the cache holds applies, so this is the full walk.
      const fresh = fieldValues(frames.map((f) => ({ ...f })));
      expect(got).toEqual(fresh);
      if (earlier) expect(earlier).toEqual(earlierCopy);
      earlier = got;
      earlierCopy = structuredClone(got);
    }
    expect(earlier!.get('type=token|token')).toHaveLength(48 - 7);
  });
});
