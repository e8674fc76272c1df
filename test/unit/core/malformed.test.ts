import { describe, expect, it } from 'vitest';
import { recognize, recognizers } from '../../../src/core/protocols';
import { framesOf } from '../../../src/core/parse/frames';
import { captureFromBody, captureFromMessages, SPLITS } from './fixture';

const GARBAGE = [
  '',
  '\n\n\n',
  'data: {"choices":[{"delta":{"tool_calls":[null,{"function":7}]}}]}\n\n',
  'data: {"type":"content_block_delta","delta":null}\n\nevent: message_start\ndata: []\n\n',
  'data: {"type":"response.output_text.delta","delta":{"x":1},"sequence_number":"NaN"}\n\n',
  'data: {"candidates":[{"content":{"parts":[null,{"functionCall":"no"}]}}]}\n\n',
  'event: messages\ndata: [null, 5]\n\nevent: messages/partial\ndata: {"not":"array"}\n\n',
  'data: {"jsonrpc":"2.0","result":{"content":"nope"}}\n\ndata: [1,2,\n\n',
  '0:\n9:{bad\nd:null\n',
  '[{"candidates":5},,,]]]}}}{{{',
  '\ud800\udfff\u0000:::\r\r\n\n\rdata',
  'data: ' + '{'.repeat(500) + '\n\n',
];
const CONTENT_TYPES = ['text/event-stream', 'application/json', 'application/x-ndjson', 'text/plain', null];

describe('malformed input never throws', () => {
  it('through framing and every recognizer, for any content type and chunking', () => {
    for (const body of GARBAGE) {
      for (const ct of CONTENT_TYPES) {
        for (const split of SPLITS.slice(0, 3)) {
          const conn = captureFromBody(body, { responseHeaders: ct ? [['content-type', ct]] : [], url: 'https://x/v1/chat/completions' }, split);
          const frames = framesOf(conn);
          for (const r of recognizers) {
            expect(() => r.detect(conn, frames), `${r.id} detect ${JSON.stringify(body)}`).not.toThrow();
            expect(() => r.parse(conn, frames), `${r.id} parse ${JSON.stringify(body)}`).not.toThrow();
          }
          expect(() => recognize(conn)).not.toThrow();
        }
      }
    }
  });

  it('on WebSocket frames of any shape', () => {
    const conn = captureFromMessages(
      [
        ...['', '4', '42', '42[', '0{', '43/x,', '451-', '4x', '{"type":null}', '[1]', 'null', '"str"'].map((text) => ({ dir: 'in' as const, text })),
        { dir: 'out', text: '42["cancel"' },
        { dir: 'in', base64: '@@' },
      ],
      { url: 'wss://x/socket.io/?EIO=4' },
    );
    const frames = framesOf(conn);
    for (const r of recognizers) {
      expect(() => r.parse(conn, frames)).not.toThrow();
      expect(() => r.detect(conn, frames)).not.toThrow();
    }
    expect(recognize(conn).protocol).toBe('socketio');
    expect(recognize(conn).events.some((e) => e.type === 'parse-error')).toBe(true);
  });

  it('reports malformed frames of a recognized protocol as parse errors with the raw text', () => {
    const body = 'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"ok"}}]}\n\ndata: {oops\n\n';
    const rec = recognize(captureFromBody(body, { responseHeaders: [['content-type', 'text/event-stream']] }));
    expect(rec.protocol).toBe('openai-chat');
    expect(rec.events.find((e) => e.type === 'parse-error')).toMatchObject({ raw: '{oops', frame: 1 });
  });
});
