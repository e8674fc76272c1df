/**
 * Reads a trace incrementally from pieces (strings or bytes, sync or async, or a
 * `ReadableStream` such as `Blob.stream()`), through the bounded parser and then the
 * validator. The parser does not care about the writer's line layout, so a trace that was
 * re-indented or minified by another tool reads the same. Never throws; every failure is an
 * `ImportError` with its position.
 */
import { BoundedJsonParser, ImportFailure, failure, type JsonLimits } from './json-stream';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits, type ImportResult, type TraceFileV1 } from './trace-format';
import { toImportError, validateTrace } from './trace-validate';

export type Piece = string | Uint8Array;
export type TraceSource = string | Uint8Array | Iterable<Piece> | AsyncIterable<Piece> | ReadableStream<Piece>;

/** Feeds pieces to the parser, decoding bytes as strict UTF-8 across piece boundaries. */
class Feeder {
  private readonly parser: BoundedJsonParser;
  private decoder: TextDecoder | null = null;
  private bytes = 0;
  constructor(private readonly limits: JsonLimits) {
    this.parser = new BoundedJsonParser(limits);
  }

  push(piece: Piece): void {
    if (typeof piece === 'string') {
      this.parser.write(piece);
      return;
    }
    if (!(piece instanceof Uint8Array)) throw failure('io', 'Could not read the file: it yielded something other than text or bytes.');
    this.bytes += piece.byteLength;
    if (this.bytes > this.limits.maxBytes) throw failure('limit', `The file is larger than the ${this.limits.maxBytes}-byte import limit.`, { offset: this.limits.maxBytes });
    this.decoder ??= new TextDecoder('utf-8', { fatal: true });
    let text: string;
    try {
      text = this.decoder.decode(piece, { stream: true });
    } catch {
      throw failure('syntax', `The file is not valid UTF-8 text (near byte ${this.bytes - piece.byteLength}).`, { offset: this.bytes - piece.byteLength });
    }
    this.parser.write(text);
  }

  end(): unknown {
    if (this.decoder) {
      let tail: string;
      try {
        tail = this.decoder.decode();
      } catch {
        throw failure('syntax', `The file ends in the middle of a UTF-8 character (byte ${this.bytes}).`, { offset: this.bytes });
      }
      this.parser.write(tail);
    }
    return this.parser.end();
  }
}

function isAsync(x: unknown): x is AsyncIterable<Piece> {
  return typeof x === 'object' && x !== null && Symbol.asyncIterator in x;
}

function isStream(x: unknown): x is ReadableStream<Piece> {
  return typeof ReadableStream !== 'undefined' && x instanceof ReadableStream;
}

function jsonLimits(limits: Partial<ImportLimits>): ImportLimits {
  return { ...DEFAULT_IMPORT_LIMITS, ...limits };
}

/** Parses any JSON source with the bounded parser. Throws only `ImportFailure`. */
export async function parseJsonSource(source: TraceSource, limits: Partial<ImportLimits> = {}): Promise<unknown> {
  const f = new Feeder(jsonLimits(limits));
  try {
    if (typeof source === 'string' || source instanceof Uint8Array) f.push(source);
    else if (isStream(source)) {
      const reader = source.getReader();
      try {
        for (;;) {
          const r = await reader.read();
          if (r.done) break;
          f.push(r.value);
        }
      } finally {
        reader.releaseLock();
      }
    } else if (isAsync(source)) for await (const p of source) f.push(p);
    else for (const p of source) f.push(p);
  } catch (e) {
    if (e instanceof ImportFailure) throw e;
    throw failure('io', `Could not read the file: ${e instanceof Error ? e.message : 'read error'}.`);
  }
  return f.end();
}

/** The synchronous twin of `parseJsonSource` for strings, bytes and sync iterables. */
export function parseJsonSourceSync(source: string | Uint8Array | Iterable<Piece>, limits: Partial<ImportLimits> = {}): unknown {
  const f = new Feeder(jsonLimits(limits));
  if (typeof source === 'string' || source instanceof Uint8Array) f.push(source);
  else for (const p of source) f.push(p);
  return f.end();
}

/** Reads and validates a trace. Never throws. */
export async function readTrace(source: TraceSource, limits: Partial<ImportLimits> = {}): Promise<ImportResult<TraceFileV1>> {
  try {
    return validateTrace(await parseJsonSource(source, limits), limits);
  } catch (e) {
    return toImportError(e);
  }
}

/** Reads and validates a trace synchronously. Never throws. */
export function readTraceSync(source: string | Uint8Array | Iterable<Piece>, limits: Partial<ImportLimits> = {}): ImportResult<TraceFileV1> {
  try {
    return validateTrace(parseJsonSourceSync(source, limits), limits);
  } catch (e) {
    return toImportError(e);
  }
}
