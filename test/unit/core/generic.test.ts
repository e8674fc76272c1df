import { describe, expect, it } from 'vitest';
import { analyze, analyzeConn } from './analyze';
import { captureFromBody, captureFromMessages, SPLITS, splitName } from './fixture';
import { payloadEvents } from '../../../src/core/protocols/generic-fields';
import { Emitter } from '../../../src/core/protocols/util';

describe('generic fallbacks', () => {
  it('guesses a plain-text SSE token stream with ids, heartbeats and a done event', () => {
    const a = analyze('generic', 'sse-text.txt');
    expect(a.rec).toMatchObject({ protocol: 'generic-sse', name: 'Server-sent events (generic)', guess: true });
    expect(a.rec.confidence).toBeLessThan(0.5);
    expect(a.text).toBe('Hello');
    expect(a.of('heartbeat')).toHaveLength(2);
    expect(a.rec.handles).toEqual(['1', '2', '3'].map((value) => ({ kind: 'event-id', value })));
    expect(a.out.messages[0]!.finished).toBe(true);
    expect(a.rec.frames[0]).toMatchObject({ kind: 'sse', retry: 3000, data: '' });
  });

  it('guesses NDJSON with delta, seq, conversation and run ids', () => {
    for (const split of SPLITS) {
      const a = analyze('generic', 'ndjson.txt', split);
      expect(a.rec, splitName(split)).toMatchObject({ protocol: 'generic-ndjson', guess: true });
      expect(a.text).toBe('Streaming is fun');
      expect(a.rec.handles).toEqual([
        { kind: 'conversation-id', value: 'c-81' },
        { kind: 'run-id', value: 'r-5' },
        { kind: 'sequence', value: '1' },
        { kind: 'sequence', value: '2' },
        { kind: 'sequence', value: '3' },
      ]);
      expect(a.of('finish')[0]!.reason).toBe('stop');
    }
  });

  it('guesses JSON over WebSocket and turns client frames into control events', () => {
    const a = analyze('generic', 'ws.json');
    expect(a.rec).toMatchObject({ protocol: 'generic-ws-json', name: 'JSON over WebSocket (generic)', guess: true });
    expect(a.text).toBe('One two');
    const controls = a.of('control');
    expect(controls.map((c) => c.name)).toEqual(['subscribe', 'cancel']);
    expect(controls[0]!.handles).toEqual([{ kind: 'stream-id', value: 'st-9' }, { kind: 'offset', value: '12' }]);
    expect(a.of('cancel')).toHaveLength(1);
    expect(a.out.messages[0]!.cancelled).toBe(true);
  });

  it('reads nested delta fields and typed errors', () => {
    const conn = captureFromMessages([
      { dir: 'in', text: '{"event":"chunk","data":{"delta":{"content":"A"},"messageId":"m1","seq":1}}' },
      { dir: 'in', text: '{"type":"error","message":"quota"}' },
      { dir: 'out', text: '{"action":"resume","lastEventId":"e-4"}' },
    ]);
    const a = analyzeConn(conn);
    expect(a.text).toBe('A');
    expect(a.of('error')[0]!.message).toBe('quota');
    expect(a.of('control')[0]).toMatchObject({ name: 'resume', handles: [{ kind: 'event-id', value: 'e-4' }] });
  });

  it('prefers a specific recognizer over a generic guess', () => {
    const a = analyzeConn(captureFromBody('data: {"type":"message_start","message":{"id":"msg_1","role":"assistant"}}\n\n', { responseHeaders: [['content-type', 'text/event-stream']] }));
    expect(a.rec.protocol).toBe('anthropic');
  });

  it('recognizes messages an EventSource delivered, with their ids', () => {
    const conn = captureFromMessages(
      [
        { dir: 'in', text: '{"delta":"Hi"}', event: 'message', id: '10' },
        { dir: 'in', text: '{"delta":" there"}', event: 'message', id: '11' },
        { dir: 'in', text: '', event: 'done', id: '11' },
      ],
      { url: 'https://x/events' },
      'eventsource',
    );
    const a = analyzeConn(conn);
    expect(a.rec).toMatchObject({ protocol: 'generic-sse', guess: true });
    expect(a.text).toBe('Hi there');
    expect(a.rec.handles).toEqual([{ kind: 'event-id', value: '10' }, { kind: 'event-id', value: '11' }]);
    expect(a.out.messages[0]!.finished).toBe(true);
  });

  it('recognizes a known protocol over EventSource too', () => {
    const conn = captureFromMessages(
      [
        { dir: 'in', text: '{"run_id":"r1"}', event: 'metadata', id: '' },
        { dir: 'in', text: '[{"content":"Yo","type":"AIMessageChunk","id":"m"},{"langgraph_node":"chat"}]', event: 'messages', id: '' },
      ],
      {},
      'eventsource',
    );
    const a = analyzeConn(conn);
    expect(a.rec.protocol).toBe('langgraph');
    expect(a.out.messages[0]).toMatchObject({ key: 'm', agent: 'chat', text: 'Yo' });
    expect(a.rec.handles).toEqual([{ kind: 'run-id', value: 'r1' }]);
  });

  it('leaves a non-AI stream unrecognized', () => {
    const a = analyzeConn(captureFromBody('just some text', { responseHeaders: [['content-type', 'text/plain']] }));
    expect(a.rec).toMatchObject({ protocol: null, name: 'Unrecognized', events: [] });
  });
});

describe('envelopes that carry the meaning outside `type`', () => {
  it('reads finish and cancel from `kind` when `type` is a generic envelope name', () => {
    const em = new Emitter();
    em.begin({ index: 0 } as never);
    payloadEvents(em, { type: 'event', kind: 'delta', text: 'Hi', offset: 3 });
    payloadEvents(em, { type: 'event', kind: 'done', text: '', offset: 4 });
    payloadEvents(em, { type: 'event', kind: 'cancelled', text: '', offset: 5 });
    expect(em.events.map((e) => e.type)).toEqual(['text-delta', 'finish', 'cancel']);
  });
});
