import { describe, expect, it } from 'vitest';
import { bodyChunks } from '../../../src/core/parse/frames';
import { jsonLineFrames, jsonValueFrames } from '../../../src/core/parse/ndjson';
import type { Chunk, FramePart } from '../../../src/core/parse/types';
import { captureFromBody, readWire, SPLITS, splitName } from './fixture';

const chunks = (...texts: string[]): Chunk[] => texts.map((text, at) => ({ text, at }));
const strip = (fs: FramePart[]) => fs.map(({ at: _at, ...rest }) => rest);

describe('jsonLineFrames', () => {
  it('frames one JSON value per line, CRLF or LF, final line without newline', () => {
    const fs = jsonLineFrames(chunks('{"a":1}\r\n{"b"', ':2}\n\n\x1e{"c":3}'));
    expect(fs.map((f) => f.json)).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    expect(fs.map((f) => f.kind)).toEqual(['json-line', 'json-line', 'json-line']);
    expect(fs[1]!.at).toEqual({ first: 0, last: 1 });
  });

  it('keeps invalid lines as text frames with an error', () => {
    const fs = jsonLineFrames(chunks('{"ok":true}\nnot json\n{"trunc'));
    expect(fs.map((f) => [f.kind, f.data, f.error])).toEqual([
      ['json-line', '{"ok":true}', undefined],
      ['text', 'not json', 'invalid JSON'],
      ['text', '{"trunc', 'invalid JSON'],
    ]);
  });

  it("in text mode frames lines without claiming they are JSON", () => {
    const fs = jsonLineFrames(chunks('0:"hi"\n3:"x"\n'), 'in', 'text');
    expect(fs.map((f) => [f.kind, f.data, f.error])).toEqual([['text', '0:"hi"', undefined], ['text', '3:"x"', undefined]]);
  });

  it('is chunk-independent on the NDJSON fixture', () => {
    const body = readWire('generic', 'ndjson.txt');
    const whole = strip(jsonLineFrames(bodyChunks(captureFromBody(body).events)));
    expect(whole).toHaveLength(4);
    for (const split of SPLITS) expect(strip(jsonLineFrames(bodyChunks(captureFromBody(body, {}, split).events))), splitName(split)).toEqual(whole);
  });
});

describe('jsonValueFrames', () => {
  it('emits the elements of a progressively streamed array as they close', () => {
    const fs = jsonValueFrames(chunks('[{"a":', '"x]}"}\n', ',\r\n{"b":[1,2]}', '\n]'));
    expect(fs.map((f) => [f.json, f.at.first, f.at.last])).toEqual([
      [{ a: 'x]}' }, 0, 1],
      [{ b: [1, 2] }, 2, 2],
    ]);
  });

  it('frames concatenated or pretty-printed top-level values and primitives', () => {
    const fs = jsonValueFrames(chunks('{\n "a": 1\n}\n{"b":2} 3 "s"'));
    expect(fs.map((f) => f.json)).toEqual([{ a: 1 }, { b: 2 }, 3, 's']);
  });

  it('reports a value cut off by the end of the body', () => {
    const fs = jsonValueFrames(chunks('[{"a":1},{"b":"unterminated'));
    expect(fs[0]!.json).toEqual({ a: 1 });
    expect(fs[1]).toMatchObject({ kind: 'text', data: '{"b":"unterminated' });
    expect(fs[1]!.error).toMatch(/before the value was complete/);
  });

  it('keeps invalid array elements as text frames', () => {
    const fs = jsonValueFrames(chunks('[{"a":1}, nope, {"b":2}]'));
    expect(fs.map((f) => [f.kind, f.data])).toEqual([['json-line', '{"a":1}'], ['text', 'nope'], ['json-line', '{"b":2}']]);
  });

  it('is chunk-independent on the Gemini array fixtures', () => {
    for (const file of ['array.json', 'error.json']) {
      const body = readWire('gemini', file);
      const whole = strip(jsonValueFrames(bodyChunks(captureFromBody(body).events)));
      expect(whole.length).toBeGreaterThan(1);
      for (const split of SPLITS) expect(strip(jsonValueFrames(bodyChunks(captureFromBody(body, {}, split).events))), `${file} ${splitName(split)}`).toEqual(whole);
    }
  });
});
