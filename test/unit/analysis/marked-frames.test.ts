/**
 * Frames the inspector's WebSocket control authored or stopped are shown, but are no evidence
 * of what the app or its server did: a cancel sent from the panel is not the app's cancel, a
 * token injected into the app is not the server's answer, a frame dropped before the app is not
 * what the app had.
 */
import { describe, expect, it } from 'vitest';
import { answerText, cancelSignals, streamTiming } from '../../../src/core/analysis';
import { analyzed, TOKENS } from './build';

const URL = 'ws://app/socket.io/?EIO=4&transport=websocket';
const token = (t: string) => `42["token",${JSON.stringify({ chatId: 'c1', token: t })}]`;

describe('frames marked by the WebSocket control', () => {
  it('a cancel the panel sent is not counted as the app’s cancel; the same frame from the app is', () => {
    const events: Array<[number, string, 'in' | 'out']> = [[10, token(TOKENS[0]!), 'in'], [20, '42["cancel",{"chatId":"c1"}]', 'out']];
    expect(cancelSignals([analyzed({ kind: 'websocket', url: URL, start: 0, events, marks: { 1: 'sent' } })])).toEqual([]);
    expect(cancelSignals([analyzed({ kind: 'websocket', url: URL, start: 0, events })])).toHaveLength(1);
    // Blocked: the app sent it, the server never got it.
    expect(cancelSignals([analyzed({ kind: 'websocket', url: URL, start: 0, events, marks: { 1: 'blocked' } })])).toEqual([]);
  });

  it('injected and dropped tokens are not in the answer; an edited one is, as edited', () => {
    const events: Array<[number, string]> = TOKENS.slice(0, 5).map((t, i) => [10 + i * 10, token(t)]);
    events.push([80, token(' INJECTED')]);
    const a = analyzed({ kind: 'websocket', url: URL, start: 0, events, marks: { 1: 'dropped', 2: 'edited', 5: 'injected' } });
    expect(answerText(a)).toBe([TOKENS[0], TOKENS[2], TOKENS[3], TOKENS[4]].join(''));
    expect(a.recognition.name).toMatch(/Socket\.IO/);
    // Frames still point at their own events, so the panel's links hold.
    expect(a.recognition.frames.map((f) => f.at.first)).toEqual([0, 2, 3, 4]);
  });

  it('the first byte is the server’s, not an injected frame’s', () => {
    const events: Array<[number, string]> = [[10, token('fake')], [500, token(TOKENS[0]!)], [550, token(TOKENS[1]!)]];
    const t = streamTiming(analyzed({ kind: 'websocket', url: URL, start: 0, events, marks: { 0: 'injected' } }));
    expect(t.firstByteMs).toBe(500);
    expect(t.firstTokenMs).toBe(500);
  });
});
