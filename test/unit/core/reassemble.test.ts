import { describe, expect, it } from 'vitest';
import type { AiEvent } from '../../../src/core/protocols/types';
import { frameAt, reassemble } from '../../../src/core/reassembly';

describe('reassemble', () => {
  it('keys messages by messageId, then agent, then default, with per-frame spans', () => {
    const events: AiEvent[] = [
      { type: 'text-delta', text: 'Hi', frame: 0, messageId: 'm1' },
      { type: 'text-delta', text: ' you', frame: 1, messageId: 'm1' },
      { type: 'text-delta', text: 'plan', frame: 2, agent: 'planner' },
      { type: 'text-delta', text: 'x', frame: 3 },
      { type: 'finish', frame: 4, messageId: 'm1' },
    ];
    const out = reassemble({ events });
    expect(out.messages.map((m) => [m.key, m.text, m.finished])).toEqual([['m1', 'Hi you', true], ['planner', 'plan', false], ['default', 'x', false]]);
    expect(out.messages[0]!.spans).toEqual([{ start: 0, end: 2, frame: 0 }, { start: 2, end: 6, frame: 1 }]);
    expect(out.messages[1]!.agent).toBe('planner');
    expect(frameAt(out.messages[0]!, 3)).toBe(1);
  });

  it('merges consecutive deltas of one frame into one span', () => {
    const out = reassemble({ events: [{ type: 'text-delta', text: 'a', frame: 2 }, { type: 'text-delta', text: 'b', frame: 2 }] });
    expect(out.messages[0]!.spans).toEqual([{ start: 0, end: 2, frame: 2 }]);
  });

  it('applies a stream-level cancel or error to every message, and keeps one even before any text', () => {
    const out = reassemble({ events: [{ type: 'text-delta', text: 'a', frame: 0, messageId: 'x' }, { type: 'text-delta', text: 'b', frame: 1, messageId: 'y' }, { type: 'cancel', frame: 2 }] });
    expect(out.messages.every((m) => m.cancelled)).toBe(true);
    const early = reassemble({ events: [{ type: 'error', message: 'overloaded', frame: 0 }] });
    expect(early.messages).toEqual([{ key: 'default', text: '', spans: [], finished: false, cancelled: false, error: 'overloaded' }]);
  });
});
