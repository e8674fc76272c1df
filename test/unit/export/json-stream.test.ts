import { describe, expect, it } from 'vitest';
import { BoundedJsonParser, ImportFailure, parseJsonPieces } from '../../../src/core/export/json-stream';
import { parseJsonSourceSync } from '../../../src/core/export/trace-reader';
import { DEFAULT_IMPORT_LIMITS, type ImportError } from '../../../src/core/export/trace-format';

const limits = DEFAULT_IMPORT_LIMITS;

function errorOf(pieces: Iterable<string>, l = limits): ImportError {
  try {
    parseJsonPieces(pieces, l);
  } catch (e) {
    expect(e).toBeInstanceOf(ImportFailure);
    return (e as ImportFailure).error;
  }
  throw new Error('expected a failure');
}

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('BoundedJsonParser', () => {
  const doc = '{"a":[1,-2.5e3,true,false,null,"x\\"y\\\\z\\n\\u00e9\\ud83d\\ude00"],"b":{"c":{}},"d":[],"e":"日本語 😀","f":0}';

  it('parses like JSON.parse, whatever the piece boundaries', () => {
    const expected = JSON.parse(doc) as unknown;
    for (let cut = 0; cut <= doc.length; cut++) {
      expect(plain(parseJsonPieces([doc.slice(0, cut), doc.slice(cut)], limits))).toEqual(expected);
    }
    expect(plain(parseJsonPieces(doc.split(''), limits))).toEqual(expected);
  });

  it('parses a top-level scalar cut in the middle', () => {
    expect(parseJsonPieces(['12', '34'], limits)).toBe(1234);
    expect(parseJsonPieces(['tr', 'ue'], limits)).toBe(true);
  });

  it('builds null-prototype objects and refuses prototype keys', () => {
    const v = parseJsonPieces(['{"a":{"b":1}}'], limits) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBeNull();
    for (const k of ['__proto__', 'constructor', 'prototype']) {
      const e = errorOf([`{"ok":1,\n"x":{"${k}":{"polluted":true}}}`]);
      expect(e.kind).toBe('invalid');
      expect(e.message).toContain(`Forbidden key "${k}"`);
      expect(e).toMatchObject({ line: 2, path: 'x' });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses duplicate keys', () => {
    expect(errorOf(['{"a":1,"a":2}']).message).toContain('Duplicate key "a"');
  });

  it('reports syntax errors with byte offset, line, column and path', () => {
    const e = errorOf(['{"sessions":[{"connections":[\n{"summary":{}, "events":[1,2,]}]}]}']);
    expect(e.kind).toBe('syntax');
    expect(e.line).toBe(2);
    expect(e.column).toBe(30);
    expect(e.offset).toBe(30 + 29);
    expect(e.path).toBe('sessions[0].connections[0].events[2]');
    expect(e.message).toMatch(/Unexpected '\]', expected a JSON value at line 2, column 30 \(byte 59\), at sessions\[0\]\.connections\[0\]\.events\[2\]/);
  });

  it('counts byte offsets in UTF-8 across pieces', () => {
    const e = errorOf(['["é😀",', ' x]']);
    expect(e.offset).toBe(1 + 1 + 2 + 4 + 1 + 1 + 1);
    expect(e.column).toBe(9);
  });

  it('says when the input is truncated, and where', () => {
    const e = errorOf(['{"sessions":[{"connections":[{"events":[{"seq":0']);
    expect(e.kind).toBe('syntax');
    expect(e.message).toMatch(/^Unexpected end of input \(the file is truncated or incomplete\) at line 1, column 49 \(byte 48\), at sessions\[0\]\.connections\[0\]\.events\[0\]\.seq\.$/);
    expect(errorOf(['{"a":"abc']).message).toContain('inside a string');
    expect(errorOf(['']).message).toContain('before any value');
  });

  it('rejects NaN, Infinity, out-of-range numbers, bad escapes and raw control characters', () => {
    expect(errorOf(['{"t":NaN}']).message).toContain('NaN is not valid JSON');
    expect(errorOf(['{"t":-Infinity}']).message).toContain('Invalid number');
    expect(errorOf(['{"t":Infinity}']).message).toContain('Infinity is not valid JSON');
    expect(errorOf(['[1e999]']).message).toContain('out of range');
    expect(errorOf(['["\\x"]']).message).toContain('Invalid escape');
    expect(errorOf(['["\\u12G4"]']).message).toContain('Invalid unicode escape');
    expect(errorOf(['["a\u0001"]']).message).toContain('control character');
    expect(errorOf(['[01]']).message).toContain('Invalid number');
    expect(errorOf(['{} {}']).message).toContain('one JSON document only');
  });

  it('bounds depth, string length, key length, value count and total size', () => {
    const deep = '['.repeat(100_000);
    const e1 = errorOf([deep]);
    expect(e1.kind).toBe('limit');
    expect(e1.message).toContain('Nesting deeper than 64 levels');
    const e2 = errorOf(['["', 'x'.repeat(50), 'x'.repeat(60), '"]'], { ...limits, maxStringLength: 100 });
    expect(e2).toMatchObject({ kind: 'limit', path: '[0]' });
    expect(e2.message).toContain('String longer than 100 characters');
    expect(errorOf([`{"${'k'.repeat(300)}":1}`]).message).toContain('Key longer than 256');
    expect(errorOf(['[1,2,3,4,5]'], { ...limits, maxValues: 4 }).message).toContain('Too many JSON values');
    expect(errorOf(['[1,2,3]', '      '], { ...limits, maxBytes: 8 })).toMatchObject({ kind: 'limit' });
  });

  it('refuses an endless number token without buffering it', () => {
    const p = new BoundedJsonParser(limits);
    p.write('[');
    expect(() => {
      for (let i = 0; i < 100; i++) p.write('1111111111');
    }).toThrow(/Invalid number/);
  });

  it('decodes bytes as strict UTF-8 across pieces, with a clear error otherwise', () => {
    const bytes = new TextEncoder().encode('["é😀"]');
    const pieces = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(plain(parseJsonSourceSync(pieces))).toEqual(['é😀']);
    expect(() => parseJsonSourceSync([Uint8Array.of(0x5b, 0x22, 0xff, 0x22, 0x5d)])).toThrow(/not valid UTF-8/);
    expect(() => parseJsonSourceSync([Uint8Array.of(0x5b, 0x22, 0xc3)])).toThrow(/UTF-8/);
    expect(plain(parseJsonSourceSync([Uint8Array.of(0xef, 0xbb, 0xbf, 0x5b, 0x5d)]))).toEqual([]);
  });
});
