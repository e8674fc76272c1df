import { describe, expect, it } from 'vitest';
import { noteLine, payloadFromInput, waitingHolds } from './wsControl';
import type { ControlNote } from '../../src/core/trace/model';

describe('the WebSocket control tab', () => {
  it('turns text, hex and base64 input into payloads, and says what is wrong with bad input', () => {
    expect(payloadFromInput('hi', 'text')).toEqual({ ok: true, payload: { binary: false, value: 'hi' } });
    expect(payloadFromInput('00 ff:10', 'hex')).toEqual({ ok: true, payload: { binary: true, value: 'AP8Q' } });
    expect(payloadFromInput('0xCAFE', 'hex')).toEqual({ ok: true, payload: { binary: true, value: 'yv4=' } });
    expect(payloadFromInput('abc', 'hex')).toMatchObject({ ok: false, error: expect.stringMatching(/even number/) });
    expect(payloadFromInput('zz', 'hex')).toMatchObject({ ok: false });
    expect(payloadFromInput('AP8Q', 'base64')).toEqual({ ok: true, payload: { binary: true, value: 'AP8Q' } });
    expect(payloadFromInput('AP8', 'base64')).toMatchObject({ ok: false, error: expect.stringMatching(/base64/) });
    expect(payloadFromInput('', 'hex')).toEqual({ ok: true, payload: { binary: true, value: '' } });
  });

  it('lists the holds still waiting, and none once the socket ended', () => {
    const n = (action: ControlNote['action'], holdId: string | null, error: string | null = null): ControlNote => ({ time: 1, action, dir: 'in', holdId, detail: 'x', error });
    const hits = [n('breakpoint-hit', 'h1'), n('breakpoint-hit', 'h2'), n('continue', 'h1'), n('drop', 'h2', 'refused')];
    expect(waitingHolds(hits).map((h) => h.holdId)).toEqual(['h2']);
    expect(waitingHolds([...hits, n('close', null)])).toEqual([]);
    expect(noteLine(n('drop', 'h2', 'refused'))).toBe('drop ↓: x — not done: refused');
  });
});
