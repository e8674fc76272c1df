/**
 * Fallbacks for home-grown streams, always labelled guesses: SSE, NDJSON and JSON over
 * WebSocket whose objects carry a delta-like field. Confidence stays below every specific
 * recognizer so a known protocol always wins. Client-sent JSON becomes `control` events so an
 * explicit cancel or resume over a WebSocket is visible.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, DetectResult, Frame, Recognizer } from './types';
import { controlEvent, looksLikeDelta, payloadEvents, typeMeaning } from './generic-fields';
import { Emitter, isObj, share } from './util';

function confidence(frames: Frame[], has: (f: Frame) => boolean): DetectResult | null {
  if (!frames.some(has)) return null;
  const s = share(frames, (f) => isObj(f.json) && looksLikeDelta(f.json), 12);
  return { confidence: 0.1 + s * 0.2, guess: true };
}

function parseFrames(frames: Frame[], textFromPlainData: boolean): AiEvent[] {
  const em = new Emitter();
  for (const f of frames) {
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
  return em.events;
}

export const genericSse: Recognizer = {
  id: 'generic-sse',
  name: 'Server-sent events (generic)',
  detect: (_c: ConnectionCapture, frames) => confidence(frames, (f) => f.kind === 'sse'),
  parse: (_c, frames) => parseFrames(frames, true),
};

export const genericNdjson: Recognizer = {
  id: 'generic-ndjson',
  name: 'JSON lines (generic)',
  detect: (_c, frames) => confidence(frames, (f) => f.kind === 'json-line' && f.dir === 'in'),
  parse: (_c, frames) => parseFrames(frames, false),
};

export const genericWsJson: Recognizer = {
  id: 'generic-ws-json',
  name: 'JSON over WebSocket (generic)',
  detect: (c, frames) => (c.summary.kind === 'websocket' ? confidence(frames, (f) => f.kind === 'ws-text' && f.json !== undefined) : null),
  parse: (_c, frames) => parseFrames(frames, false),
};
