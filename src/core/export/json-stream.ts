/**
 * A bounded, incremental JSON parser for untrusted files.
 *
 * `JSON.parse` would need the whole file as one string, says little about where an error is,
 * and builds objects whose `__proto__` keys later code can trip over. This parser takes the
 * input in pieces of any size (a token may straddle pieces), tracks the byte offset, line and
 * column of every error, refuses anything beyond its limits *while* parsing (so a hostile
 * file fails fast instead of exhausting memory), and builds null-prototype objects with no
 * `__proto__` / `constructor` / `prototype` keys and no duplicate keys.
 *
 * Everything it throws is a `ImportFailure` carrying an `ImportError`.
 */
import type { ImportError, ImportErrorKind, ImportLimits } from './trace-format';
import { utf8Length } from '../trace/bytes';

export class ImportFailure extends Error {
  readonly error: ImportError;
  constructor(error: ImportError) {
    super(error.message);
    this.error = error;
  }
}

export function failure(kind: ImportErrorKind, message: string, extra: Omit<ImportError, 'kind' | 'message'> = {}): ImportFailure {
  return new ImportFailure({ kind, message, ...extra });
}

/** Keys that could reach an object's prototype chain in careless consumers; never valid. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type JsonLimits = Pick<ImportLimits, 'maxBytes' | 'maxDepth' | 'maxStringLength' | 'maxKeyLength' | 'maxValues'>;

type JsonObject = Record<string, unknown>;
type Frame = { arr: unknown[]; obj?: undefined; key?: undefined } | { obj: JsonObject; key: string | null; arr?: undefined };

const enum S {
  Value, // a value is expected (root, after ':' or after ',' in an array)
  ArrFirst, // after '[': a value or ']'
  ObjFirst, // after '{': a key or '}'
  ObjKey, // after ',' in an object: a key
  Colon,
  After, // after a value: ',' or the closing bracket
  Done,
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const MAX_NUMBER_TOKEN = 512;
const SPECIAL = /["\\\u0000-\u001f]/g;
const MAX_LITERAL_TOKEN = 16;

const isNumberChar = (c: number): boolean => (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
const isLetter = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `sessions[0].connections[3].events[12].base64`; the root is "". */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENT.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}…` : s)}]`;
  }
  return out;
}

export class BoundedJsonParser {
  private readonly limits: JsonLimits;
  private state: S = S.Value;
  private readonly stack: Frame[] = [];
  private root: unknown = undefined;
  private values = 0;
  private totalBytes = 0;
  private started = false;

  /** Unconsumed start of a token cut by the end of the previous piece (a number, literal or escape). */
  private carry = '';
  /** A string being read across pieces. */
  private str: { parts: string[]; len: number; isKey: boolean } | null = null;

  // Position of buf[0] of the piece being parsed.
  private baseBytes = 0;
  private baseLine = 1;
  private baseCol = 1;

  constructor(limits: JsonLimits) {
    this.limits = limits;
  }

  write(piece: string): void {
    if (piece.length === 0) return;
    this.totalBytes += utf8Length(piece);
    if (this.totalBytes > this.limits.maxBytes) {
      throw failure('limit', `The file is larger than the ${this.limits.maxBytes}-byte import limit.`, { offset: this.limits.maxBytes });
    }
    let buf = this.carry + piece;
    this.carry = '';
    if (!this.started) {
      this.started = true;
      if (buf.charCodeAt(0) === 0xfeff) {
        this.baseBytes += 3;
        buf = buf.slice(1);
      }
    }
    const consumed = this.parse(buf, false);
    this.advance(buf, consumed);
    this.carry = buf.slice(consumed);
    this.baseBytes = this.totalBytes - utf8Length(this.carry);
  }

  /** Finishes the document and returns its value. */
  end(): unknown {
    if (this.carry !== '') {
      const buf = this.carry;
      this.carry = '';
      const consumed = this.parse(buf, true);
      this.advance(buf, consumed);
      this.baseBytes = this.totalBytes;
    }
    if (this.state !== S.Done) {
      const inside = this.str ? ' inside a string' : this.stack.length === 0 ? ' before any value' : '';
      throw this.syntaxAt(`Unexpected end of input${inside} (the file is truncated or incomplete)`, '', 0);
    }
    return this.root;
  }

  /** Moves the base line/column past `buf[0..n)` (bytes are derived from the carry in `write`). */
  private advance(buf: string, n: number): void {
    let nl = buf.indexOf('\n');
    if (nl < 0 || nl >= n) {
      this.baseCol += n;
      return;
    }
    let last = nl;
    while (nl >= 0 && nl < n) {
      this.baseLine++;
      last = nl;
      nl = buf.indexOf('\n', nl + 1);
    }
    this.baseCol = n - last;
  }

  private position(buf: string, at: number): { offset: number; line: number; column: number } {
    let line = this.baseLine;
    let col = this.baseCol;
    for (let i = 0; i < at && i < buf.length; i++) {
      if (buf.charCodeAt(i) === 10) {
        line++;
        col = 1;
      } else col++;
    }
    return { offset: this.baseBytes + utf8Length(buf, 0, Math.min(at, buf.length)), line, column: col };
  }

  private pathSegments(): (string | number)[] {
    const segs: (string | number)[] = [];
    const last = this.stack.length - 1;
    this.stack.forEach((f, i) => {
      // An array's element being read is at arr.length; an enclosing one (already pushed) is the last.
      if (f.arr) segs.push(i < last || this.state === S.After ? Math.max(0, f.arr.length - 1) : f.arr.length);
      else if (f.key !== null) segs.push(f.key);
    });
    return segs;
  }

  private path(): string {
    return formatPath(this.pathSegments());
  }

  private syntaxAt(message: string, buf: string, at: number, kind: ImportErrorKind = 'syntax'): ImportFailure {
    const pos = this.position(buf, at);
    const path = this.path();
    const where = `line ${pos.line}, column ${pos.column} (byte ${pos.offset})${path ? `, at ${path}` : ''}`;
    return failure(kind, `${message} at ${where}.`, { ...pos, ...(path ? { path } : {}) });
  }

  private unexpected(buf: string, i: number, expected: string): ImportFailure {
    const ch = buf[i]!;
    const shown = /[\x20-\x7e]/.test(ch) ? `'${ch}'` : `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    return this.syntaxAt(`Unexpected ${shown}, expected ${expected}`, buf, i);
  }

  private countValue(buf: string, i: number): void {
    if (++this.values > this.limits.maxValues) {
      throw this.syntaxAt(`Too many JSON values (limit ${this.limits.maxValues})`, buf, i, 'limit');
    }
  }

  /** Places a finished value into its container (or as the root) and sets the next state. */
  private place(v: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      this.root = v;
      this.state = S.Done;
      return;
    }
    if (top.arr) top.arr.push(v);
    else top.obj[top.key!] = v;
    this.state = S.After;
  }

  private open(buf: string, i: number, container: unknown[] | JsonObject, isArr: boolean): void {
    if (this.stack.length + 1 > this.limits.maxDepth) {
      throw this.syntaxAt(`Nesting deeper than ${this.limits.maxDepth} levels`, buf, i, 'limit');
    }
    this.countValue(buf, i);
    this.place(container);
    this.stack.push(isArr ? { arr: container as unknown[] } : { obj: container as JsonObject, key: null });
    this.state = isArr ? S.ArrFirst : S.ObjFirst;
  }

  private close(buf: string, i: number, isArr: boolean): void {
    const top = this.stack[this.stack.length - 1]!;
    if (isArr !== Boolean(top.arr)) throw this.unexpected(buf, i, isArr ? "'}' or ','" : "']' or ','");
    this.stack.pop();
    this.state = this.stack.length === 0 ? S.Done : S.After;
  }

  /** Parses as much of `buf` as possible; returns how many chars were consumed. */
  private parse(buf: string, final: boolean): number {
    const n = buf.length;
    let i = 0;
    if (this.str) {
      i = this.readString(buf, 0, final);
      if (i < 0) return i === -1 ? n : -i - 2; // -1: all consumed; -(k+2): carry from k
    }
    while (i < n) {
      const c = buf.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
        continue;
      }
      switch (this.state) {
        case S.Done:
          throw this.unexpected(buf, i, 'the end of the file (one JSON document only)');
        case S.Colon:
          if (c !== 0x3a) throw this.unexpected(buf, i, "':'");
          this.state = S.Value;
          i++;
          continue;
        case S.After: {
          const top = this.stack[this.stack.length - 1]!;
          if (c === 0x2c) {
            this.state = top.arr ? S.Value : S.ObjKey;
            if (top.obj) top.key = null;
            i++;
          } else if (c === 0x5d || c === 0x7d) {
            this.close(buf, i, c === 0x5d);
            i++;
          } else throw this.unexpected(buf, i, top.arr ? "',' or ']'" : "',' or '}'");
          continue;
        }
        case S.ObjFirst:
        case S.ObjKey:
          if (c === 0x7d && this.state === S.ObjFirst) {
            this.close(buf, i, false);
            i++;
            continue;
          }
          if (c !== 0x22) throw this.unexpected(buf, i, this.state === S.ObjFirst ? "a key string or '}'" : 'a key string');
          this.str = { parts: [], len: 0, isKey: true };
          i = this.readString(buf, i + 1, final);
          if (i < 0) return i === -1 ? n : -i - 2;
          continue;
        case S.ArrFirst:
          if (c === 0x5d) {
            this.close(buf, i, true);
            i++;
            continue;
          }
          i = this.readValue(buf, i, c, final);
          if (i < 0) return i === -1 ? n : -i - 2;
          continue;
        case S.Value:
          i = this.readValue(buf, i, c, final);
          if (i < 0) return i === -1 ? n : -i - 2;
          continue;
      }
    }
    return n;
  }

  /** Reads a value starting with char `c` at `i`; same return convention as `readString`. */
  private readValue(buf: string, i: number, c: number, final: boolean): number {
    const n = buf.length;
    if (c === 0x7b) {
      this.open(buf, i, Object.create(null) as JsonObject, false);
      return i + 1;
    }
    if (c === 0x5b) {
      this.open(buf, i, [], true);
      return i + 1;
    }
    if (c === 0x22) {
      this.countValue(buf, i);
      this.str = { parts: [], len: 0, isKey: false };
      return this.readString(buf, i + 1, final);
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && j - i <= MAX_NUMBER_TOKEN && isNumberChar(buf.charCodeAt(j))) j++;
      if (j === n && !final && j - i <= MAX_NUMBER_TOKEN) return -(i + 2);
      const tok = buf.slice(i, j);
      if (tok.length > MAX_NUMBER_TOKEN || !NUMBER.test(tok)) throw this.syntaxAt(`Invalid number '${tok.slice(0, 32)}'`, buf, i);
      const v = Number(tok);
      if (!Number.isFinite(v)) throw this.syntaxAt(`Number '${tok.slice(0, 32)}' is out of range`, buf, i);
      this.countValue(buf, i);
      this.place(v);
      return j;
    }
    if (isLetter(c)) {
      let j = i + 1;
      while (j < n && j - i <= MAX_LITERAL_TOKEN && isLetter(buf.charCodeAt(j))) j++;
      if (j === n && !final && j - i <= MAX_LITERAL_TOKEN) return -(i + 2);
      const tok = buf.slice(i, j);
      if (tok === 'true' || tok === 'false' || tok === 'null') {
        this.countValue(buf, i);
        this.place(tok === 'null' ? null : tok === 'true');
        return j;
      }
      if (tok === 'NaN' || tok === 'Infinity') throw this.syntaxAt(`${tok} is not valid JSON (numbers must be finite)`, buf, i);
      throw this.syntaxAt(`Unexpected word '${tok.slice(0, MAX_LITERAL_TOKEN)}'`, buf, i);
    }
    throw this.unexpected(buf, i, 'a JSON value');
  }

  /**
   * Reads string content from `i` into `this.str`. Returns the index after the closing quote,
   * -1 when the piece ended inside the string (all of it consumed), or `-(k + 2)` when the
   * piece ended inside an escape starting at `k`, which is carried over to the next piece.
   */
  private readString(buf: string, i: number, final: boolean): number {
    const s = this.str!;
    const n = buf.length;
    const max = s.isKey ? this.limits.maxKeyLength : this.limits.maxStringLength;
    let start = i;
    const push = (to: number): void => {
      if (to > start) {
        s.len += to - start;
        if (s.len > max) {
          throw this.syntaxAt(`${s.isKey ? 'Key' : 'String'} longer than ${max} characters`, buf, to, 'limit');
        }
        s.parts.push(buf.slice(start, to));
      }
    };
    while (i < n) {
      // Jump to the next quote, backslash or control character natively.
      SPECIAL.lastIndex = i;
      const m = SPECIAL.exec(buf);
      if (!m) break;
      i = m.index;
      const c = buf.charCodeAt(i);
      if (c === 0x22) {
        push(i);
        this.finishString(buf, i);
        return i + 1;
      }
      if (c === 0x5c) {
        push(i);
        if (i + 1 >= n || (buf[i + 1] === 'u' && i + 6 > n)) {
          if (final) throw this.syntaxAt('Unexpected end of input inside a string escape', buf, i);
          return -(i + 2);
        }
        const e = buf[i + 1]!;
        if (e === 'u') {
          const hex = buf.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.syntaxAt(`Invalid unicode escape '\\u${hex}'`, buf, i);
          s.parts.push(String.fromCharCode(parseInt(hex, 16)));
          s.len += 1;
          i += 6;
        } else {
          const r = ESCAPES[e];
          if (r === undefined) throw this.syntaxAt(`Invalid escape '\\${e}'`, buf, i);
          s.parts.push(r);
          s.len += 1;
          i += 2;
        }
        if (s.len > max) throw this.syntaxAt(`${s.isKey ? 'Key' : 'String'} longer than ${max} characters`, buf, i, 'limit');
        start = i;
        continue;
      }
      throw this.syntaxAt('Unescaped control character in a string', buf, i);
    }
    push(n);
    if (final) throw this.syntaxAt('Unexpected end of input inside a string', buf, n);
    return -1;
  }

  private finishString(buf: string, at: number): void {
    const s = this.str!;
    this.str = null;
    const v = s.parts.length === 1 ? s.parts[0]! : s.parts.join('');
    if (!s.isKey) {
      this.place(v);
      return;
    }
    const top = this.stack[this.stack.length - 1]!;
    if (FORBIDDEN_KEYS.has(v)) throw this.syntaxAt(`Forbidden key "${v}"`, buf, at, 'invalid');
    if (Object.hasOwn(top.obj!, v)) throw this.syntaxAt(`Duplicate key "${v.slice(0, 64)}"`, buf, at, 'invalid');
    (top as { key: string | null }).key = v;
    this.state = S.Colon;
  }
}

/** Parses a whole document given as pieces; throws `ImportFailure` only. */
export function parseJsonPieces(pieces: Iterable<string>, limits: JsonLimits): unknown {
  const p = new BoundedJsonParser(limits);
  for (const piece of pieces) p.write(piece);
  return p.end();
}
