/**
 * A live WebSocket or EventSource connection is analyzed incrementally (analysis/connection.ts,
 * protocols/growing.ts): each update reads only the events added since the last. Fed a recorded
 * fixture one event at a time, its analysis must be, after every event, exactly what reading
 * the connection so far from scratch gives (`recognize` + `reassemble` on a fresh copy, which
 * frames, detects, parses and collects handles over the whole thing).
 */
import { describe, expect, it } from 'vitest';
import { analyzeConnection } from '../../../src/core/analysis';
import { framesOf } from '../../../src/core/parse/frames';
import { recognize } from '../../../src/core/protocols';
import { reassemble } from '../../../src/core/reassembly';
import { dropPayloads } from '../../../src/core/trace/budget';
import type { ConnectionCapture } from '../../../src/core/trace/model';
import { captureFromMessages, loadFixture, type WireFrame } from './fixture';

/** What analyzeConnection gives for `conn` read whole, by the plain functions. */
function whole(conn: ConnectionCapture) {
  const copy: ConnectionCapture = { summary: { ...conn.summary }, events: conn.events.map((e) => ({ ...e })) };
  const recognition = recognize(copy);
  const output = reassemble(recognition);
  const isAiStream = copy.summary.streaming && recognition.events.some((e) => e.type === 'text-delta' || e.type === 'reasoning-delta' || e.type === 'tool-call-delta');
  return { recognition, output, isAiStream };
}

/** An SSE body fixture as the EventSource messages a browser would dispatch (ids sticky, as `lastEventId` is). */
function asEventSource(protocol: string, file: string): ConnectionCapture {
  const body = loadFixture(protocol, file);
  let lastId = '';
  const messages: WireFrame[] = framesOf(body)
    .filter((f) => f.kind === 'sse' && f.dir === 'in')
    .map((f) => {
      if (f.id !== undefined) lastId = f.id;
      return { dir: 'in', text: f.data, ...(f.event !== undefined ? { event: f.event } : {}), ...(lastId !== '' ? { id: lastId } : {}) };
    });
  return captureFromMessages(messages, { url: body.summary.url, responseHeaders: body.summary.responseHeaders, requestHeaders: body.summary.requestHeaders }, 'eventsource');
}

/** Feeds `full`'s events one at a time into a live connection, comparing after each. */
function feedAndCompare(full: ConnectionCapture): { protocol: string | null; checked: number } {
  const live: ConnectionCapture = { summary: { ...full.summary, state: 'open', events: 0 }, events: [] };
  let checked = 0;
  for (const e of full.events) {
    live.events.push(e);
    live.summary.events = live.events.length;
    const a = analyzeConnection(live);
    const expected = whole(live);
    expect({ recognition: a.recognition, output: a.output, isAiStream: a.isAiStream }, `after ${live.events.length} events`).toEqual(expected);
    checked++;
  }
  live.summary.state = 'ended';
  const a = analyzeConnection(live);
  expect({ recognition: a.recognition, output: a.output, isAiStream: a.isAiStream }).toEqual(whole(live));
  return { protocol: a.recognition.protocol, checked };
}

const CASES: { name: string; conn: () => ConnectionCapture; protocol: string }[] = [
  { name: 'OpenAI Chat over EventSource (tools)', conn: () => asEventSource('openai-chat', 'tools.txt'), protocol: 'openai-chat' },
  { name: 'OpenAI Chat over EventSource (text)', conn: () => asEventSource('openai-chat', 'text.txt'), protocol: 'openai-chat' },
  { name: 'Anthropic over EventSource (thinking, tool)', conn: () => asEventSource('anthropic', 'thinking-tool.txt'), protocol: 'anthropic' },
  { name: 'AI SDK UI stream over EventSource', conn: () => asEventSource('vercel-ui', 'tools.txt'), protocol: 'vercel-ui' },
  { name: 'LangGraph over EventSource', conn: () => asEventSource('langgraph', 'messages.txt'), protocol: 'langgraph' },
  { name: 'plain-text SSE over EventSource (generic)', conn: () => asEventSource('generic', 'sse-text.txt'), protocol: 'generic-sse' },
  { name: 'JSON over WebSocket (generic)', conn: () => loadFixture('generic', 'ws.json'), protocol: 'generic-ws-json' },
  { name: 'Socket.IO over WebSocket', conn: () => loadFixture('socketio', 'chat.json'), protocol: 'socketio' },
  { name: 'Ably over WebSocket', conn: () => loadFixture('ably', 'stream.json'), protocol: 'ably' },
  { name: 'OpenAI Realtime over WebSocket', conn: () => loadFixture('openai-realtime', 'text.json'), protocol: 'openai-realtime' },
  { name: 'Cloudflare Agents over WebSocket', conn: () => loadFixture('cloudflare-agents', 'chat.json'), protocol: 'cloudflare-agents' },
];

describe('incremental analysis of a growing connection', () => {
  for (const c of CASES) {
    it(`${c.name}: after every event, the same as reading it whole`, () => {
      const full = c.conn();
      expect(full.events.length).toBeGreaterThan(3);
      const { protocol, checked } = feedAndCompare(full);
      expect(protocol).toBe(c.protocol);
      expect(checked).toBe(full.events.length);
    });
  }

  it('frames the WebSocket control sent or injected are skipped, incrementally as when read whole', () => {
    const full = loadFixture('socketio', 'chat.json');
    // Every third frame marked as the inspector's: none of them is read, the others keep their links.
    full.events = full.events.map((e, i) => (i % 3 === 1 ? { ...e, mark: i % 2 ? 'injected' : 'sent' } : e));
    const { protocol } = feedAndCompare(full);
    expect(protocol).toBe('socketio');
    const a = analyzeConnection(full);
    expect(a.recognition.frames.every((f) => full.events[f.at.first]!.mark === undefined)).toBe(true);
    expect(a.recognition.frames.map((f) => f.index)).toEqual(a.recognition.frames.map((_, i) => i));
  });

  it('a stream whose protocol only shows after its first events is re-read as that protocol', () => {
    // Heartbeat-like messages first (read as generic SSE), then OpenAI chunks: the chosen
    // recognizer changes mid-stream and the incremental reading must follow.
    const chat = asEventSource('openai-chat', 'text.txt');
    const lead: WireFrame[] = [{ dir: 'in', text: 'warming up' }, { dir: 'in', text: 'still warming' }];
    const conn = captureFromMessages([...lead, ...chat.events.map((e): WireFrame => ({ dir: 'in', text: e.text ?? '' }))], { url: 'https://example.com/events' }, 'eventsource');
    const { protocol } = feedAndCompare(conn);
    expect(protocol).toBe('openai-chat');
  });

  it('payloads dropped by the capture budget are reflected, as a whole reading shows them', () => {
    const full = loadFixture('generic', 'ws.json');
    const live: ConnectionCapture = { summary: { ...full.summary, state: 'open' }, events: full.events.slice(0, 4).map((e) => ({ ...e })) };
    const before = analyzeConnection(live);
    expect(before.output.messages.map((m) => m.text).join('')).not.toBe('');
    dropPayloads(new Map([[live.summary.id, live]]), [{ connId: live.summary.id, throughSeq: 2 }]);
    live.events.push({ ...full.events[4]! });
    const a = analyzeConnection(live);
    expect({ recognition: a.recognition, output: a.output, isAiStream: a.isAiStream }).toEqual(whole(live));
  });

  it('an analysis handed out earlier does not change as the stream grows', () => {
    const full = asEventSource('openai-chat', 'text.txt');
    const live: ConnectionCapture = { summary: { ...full.summary, state: 'open' }, events: full.events.slice(0, 3) };
    const early = analyzeConnection(live);
    const frozen = JSON.parse(JSON.stringify(early.output)) as unknown;
    const frames = early.recognition.frames.length;
    for (const e of full.events.slice(3)) {
      live.events.push(e);
      analyzeConnection(live);
    }
    expect(early.output).toEqual(frozen);
    expect(early.recognition.frames.length).toBe(frames);
  });
});
