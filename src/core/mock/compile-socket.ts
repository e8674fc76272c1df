/**
 * Socket mocks compiled to the socket recordings the hook already replays
 * (src/core/replay/socket-recording.ts): a WebSocket mock to a `WsRecording` whose frames all
 * come from the server, an EventSource mock to an `EsRecording` with one response. Times add
 * up as for an http mock: each step waits its delay after the one before.
 */
import type { AnyRecording } from '../replay/any';
import type { EsRecording, EsReplayMessage, WsRecording, WsReplayClose, WsReplayFrame } from '../replay/socket-recording';
import { compileMock, type Mock, type MockStep } from './model';
import { sseBlockMessages } from '../parse/sse-block';

type EventStep = Extract<MockStep, { kind: 'event' }>;

/** Each step's time after the socket opened (or the response began), with the event a duplicate repeats. */
function timeline(mock: Mock): Array<{ at: number; step: Exclude<MockStep, { kind: 'stall' | 'duplicate' }> }> {
  const out: Array<{ at: number; step: Exclude<MockStep, { kind: 'stall' | 'duplicate' }> }> = [];
  let at = 0;
  let previous: EventStep | null = null;
  for (const s of mock.steps) {
    if (s.kind === 'stall') {
      at += s.ms;
      continue;
    }
    at += s.delayMs;
    if (s.kind === 'duplicate') {
      if (previous === null) throw new Error('a duplicate needs an event before it');
      out.push({ at, step: previous });
      continue;
    }
    if (s.kind === 'event') previous = s;
    out.push({ at, step: s });
    if (s.kind === 'drop' || s.kind === 'close') break;
  }
  return out;
}

const header = (mock: Mock, name: string): string => mock.response.headers.find((h) => h[0].toLowerCase() === name)?.[1] ?? '';

export function compileWebSocketMock(mock: Mock): WsRecording {
  const frames: WsReplayFrame[] = [];
  let close: WsReplayClose | undefined;
  for (const { at, step } of timeline(mock)) {
    if (step.kind === 'event') frames.push({ at, dir: 'in', text: step.binary ? null : step.data, base64: step.binary ? step.data : null });
    // A lost connection: the app sees `error`, then a close that is not clean with 1006 (RFC 6455 §7.1.5).
    else if (step.kind === 'drop') close = { at, code: 1006, reason: '', wasClean: false, error: true };
    else close = { at, code: step.code, reason: step.reason, wasClean: true, error: false };
  }
  // What the handshake answered, when the mock's response names it.
  const rec: WsRecording = { kind: 'websocket', url: mock.request.url, protocol: header(mock, 'sec-websocket-protocol'), extensions: header(mock, 'sec-websocket-extensions'), frames, mock: true };
  if (close) rec.close = close;
  return rec;
}

export function compileEventSourceMock(mock: Mock): EsRecording {
  const messages: EsReplayMessage[] = [];
  let retryMs: number | null = null;
  let endAt: number | null = null;
  for (const { at, step } of timeline(mock)) {
    if (step.kind === 'event') {
      const block = sseBlockMessages(step.data);
      retryMs ??= block.retryMs;
      for (const m of block.messages) messages.push({ at, event: m.event, data: m.data, id: m.id });
    } else endAt = at;
  }
  return { kind: 'eventsource', url: mock.request.url, retryMs, responses: [{ messages, endAt }], mock: true };
}

/** The recording the hook serves for any mock: fetch/XHR, WebSocket or EventSource. */
export function compileAnyMock(mock: Mock): AnyRecording {
  if (mock.transport === 'websocket') return compileWebSocketMock(mock);
  if (mock.transport === 'eventsource') return compileEventSourceMock(mock);
  return compileMock(mock);
}
