/**
 * Fallbacks for home-grown streams, always labelled guesses: SSE, NDJSON and JSON over
 * WebSocket whose objects carry a delta-like field. Confidence stays below every specific
 * recognizer so a known protocol always wins. Client-sent JSON becomes `control` events so an
 * explicit cancel or resume over a WebSocket is visible.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, DetectResult, Frame, FrameParser, Recognizer } from './types';
import { controlEvent, looksLikeDelta, payloadEvents, typeMeaning } from './generic-fields';
import { Emitter, isObj, share, someFrame, type FrameTest } from './util';

const isDeltaLike = (f: Frame): boolean => isObj(f.json) && looksLikeDelta(f.json);
const isSse: FrameTest = (f) => f.kind === 'sse';
const isJsonLineIn: FrameTest = (f) => f.kind === 'json-line' && f.dir === 'in';
const isWsJson: FrameTest = (f) => f.kind === 'ws-text' && f.json !== undefined;

function confidence(frames: Frame[], has: FrameTest): DetectResult | null {
  if (!someFrame(frames, has)) return null;
  const s = share(frames, isDeltaLike, 12);
  return { confidence: 0.1 + s * 0.2, guess: true };
}

/** One frame after another, each read on its own: a stream is parsed as it grows. */
function frameParser(textFromPlainData: boolean): FrameParser {
  const em = new Emitter();
  return { events: em.events, feed: (frames, from) => feedFrames(em, frames, from, textFromPlainData) };
}

function parseFrames(frames: Frame[], textFromPlainData: boolean): AiEvent[] {
  const p = frameParser(textFromPlainData);
  p.feed(frames, 0);
  return p.events as AiEvent[];
}

function feedFrames(em: Emitter, frames: readonly Frame[], from: number, textFromPlainData: boolean): void {
  for (let i = from; i < frames.length; i++) {
    const f = frames[i]!;
    em.begin(f);
    if (f.kind === 'sse-comment') {
      em.emit({ type: 'heartbeat' });
      continue;
    }
    if (f.error !== undefined) {
      em.parseError(f, f.error);
      continue;
    }
    if (f.dir === 'out') {
      if (f.json !== undefined) controlEvent(em, f.json);
      else if (f.data.trim() !== '') em.emit({ type: 'control', name: typeMeaning(f.data.trim()) ?? f.data.trim().slice(0, 40) });
      continue;
    }
    const data = f.data.trim();
    const eventName = f.event !== undefined && f.event !== 'message' ? f.event : undefined;
    const before = em.events.length;
    if (data === '[DONE]') em.emit({ type: 'finish', reason: '[DONE]' });
    else if (isObj(f.json)) payloadEvents(em, f.json, { fallbackType: eventName });
    else if (f.json !== undefined) payloadEvents(em, f.json, { textIfString: true, fallbackType: eventName });
    else {
      const meaning = typeMeaning(eventName);
      if (meaning === 'error') em.emit({ type: 'error', message: f.data || eventName! });
      else if (meaning === 'cancel') em.emit({ type: 'cancel', reason: f.data || eventName });
      else if (meaning === 'finish') em.emit({ type: 'finish', reason: eventName });
      else if (meaning === 'heartbeat') em.emit({ type: 'heartbeat' });
      // Plain-text SSE data (`data: Hel`) is the commonest home-grown token stream.
      else if (textFromPlainData && f.data !== '') em.emit({ type: 'text-delta', text: f.data });
    }
    if (em.events.length === before) {
      if (f.data === '' && f.id === undefined && f.retry === undefined) continue;
      em.step(eventName ?? (f.data === '' ? 'id' : 'message'));
    }
  }
}

export const genericSse: Recognizer = {
  id: 'generic-sse',
  name: 'Server-sent events (generic)',
  detect: (_c: ConnectionCapture, frames) => confidence(frames, isSse),
  parse: (_c, frames) => parseFrames(frames, true),
  parser: () => frameParser(true),
};

export const genericNdjson: Recognizer = {
  id: 'generic-ndjson',
  name: 'JSON lines (generic)',
  detect: (_c, frames) => confidence(frames, isJsonLineIn),
  parse: (_c, frames) => parseFrames(frames, false),
  parser: () => frameParser(false),
};

export const genericWsJson: Recognizer = {
  id: 'generic-ws-json',
  name: 'JSON over WebSocket (generic)',
  detect: (c, frames) => (c.summary.kind === 'websocket' ? confidence(frames, isWsJson) : null),
  parse: (_c, frames) => parseFrames(frames, false),
  parser: () => frameParser(false),
};
