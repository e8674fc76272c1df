/**
 * The recognizer registry and `recognize`, which frames a connection, asks every recognizer
 * and keeps the most confident (ties go to the earlier, more specific entry). Recognizers are
 * pure and must not throw; a throw is still contained and reported as a parse-error event.
 */
import { framesOf } from '../parse/frames';
import type { ConnectionCapture } from '../trace/model';
import { ably } from './ably';
import { anthropic } from './anthropic';
import { cloudflareAgents } from './cloudflare-agents';
import { connect } from './connect';
import { durableStreams } from './durable-streams';
import { genericNdjson, genericSse, genericWsJson } from './generic';
import { gemini } from './gemini';
import { langgraph } from './langgraph';
import { mcp } from './mcp';
import { openaiChat } from './openai-chat';
import { openaiRealtime } from './openai-realtime';
import { openaiResponses } from './openai-responses';
import { socketio } from './socketio';
import type { AiEvent, DetectResult, Frame, Recognition, Recognizer, ResumeHandle } from './types';
import { vercelData } from './vercel-data';
import { vercelUi } from './vercel-ui';

export type * from './types';
export { resumeRequestOf } from './resume-request';
export { socketIoPacket } from './socketio';
export { durableStreamRead } from './durable-streams';
export { rpcMethod } from './connect';

export const recognizers: readonly Recognizer[] = [
  durableStreams, connect, vercelUi, vercelData, openaiRealtime, openaiResponses, openaiChat, anthropic, gemini, langgraph, mcp, cloudflareAgents, ably, socketio, genericSse, genericNdjson, genericWsJson,
];

export function recognizerById(id: string): Recognizer | undefined {
  return recognizers.find((r) => r.id === id);
}

function safeDetect(r: Recognizer, conn: ConnectionCapture, frames: Frame[]): DetectResult | null {
  try {
    const d = r.detect(conn, frames);
    return d && Number.isFinite(d.confidence) && d.confidence > 0 ? d : null;
  } catch {
    return null;
  }
}

function safeParse(r: Recognizer, conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  try {
    return r.parse(conn, frames);
  } catch (err) {
    return [{ type: 'parse-error', message: `${r.name} recognizer failed: ${String(err)}`, raw: '', frame: frames.length ? frames.length - 1 : 0 }];
  }
}

/** Distinct handles in order of first appearance: events' handles plus every SSE `id:`. */
export function collectHandles(frames: Frame[], events: AiEvent[]): ResumeHandle[] {
  const byFrame = new Map<number, ResumeHandle[]>();
  for (const e of events) for (const h of e.handles ?? []) byFrame.set(e.frame, [...(byFrame.get(e.frame) ?? []), h]);
  const seen = new Set<string>();
  const out: ResumeHandle[] = [];
  const add = (h: ResumeHandle): void => {
    const k = `${h.kind}\0${h.value}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(h);
    }
  };
  for (const f of frames) {
    if (f.id !== undefined && f.id !== '') add({ kind: 'event-id', value: f.id });
    for (const h of byFrame.get(f.index) ?? []) add(h);
    byFrame.delete(f.index);
  }
  for (const hs of byFrame.values()) hs.forEach(add);
  return out;
}

/**
 * `collectHandles` for a stream that grows (see growing.ts): frames and events only ever get
 * appended, and a parser's new events point at its new frames, so each call reads only what is
 * new. Where that does not hold (an event pointing back at a frame already read, or at one not
 * there yet) it answers with the whole `collectHandles`.
 */
export function handleCollector(): (frames: readonly Frame[], events: readonly AiEvent[]) => ResumeHandle[] {
  const seen = new Set<string>();
  const out: ResumeHandle[] = [];
  const byFrame = new Map<number, ResumeHandle[]>();
  let framesRead = 0;
  let eventsRead = 0;
  let whole = false;
  const add = (h: ResumeHandle): void => {
    const k = `${h.kind}\0${h.value}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(h);
    }
  };
  return (frames, events) => {
    if (whole) return collectHandles(frames as Frame[], events as AiEvent[]);
    for (; eventsRead < events.length; eventsRead++) {
      const e = events[eventsRead]!;
      if (!e.handles || e.handles.length === 0) continue;
      if (e.frame < framesRead) {
        whole = true;
        return collectHandles(frames as Frame[], events as AiEvent[]);
      }
      const list = byFrame.get(e.frame);
      if (list) for (const h of e.handles) list.push(h);
      else byFrame.set(e.frame, [...e.handles]);
    }
    for (; framesRead < frames.length; framesRead++) {
      const f = frames[framesRead]!;
      if (f.id !== undefined && f.id !== '') add({ kind: 'event-id', value: f.id });
      const hs = byFrame.get(f.index);
      if (hs) {
        hs.forEach(add);
        byFrame.delete(f.index);
      }
    }
    // Handles of frames not (yet) there go last, as collectHandles puts them.
    return byFrame.size > 0 ? collectHandles(frames as Frame[], events as AiEvent[]) : out.slice();
  };
}

export function safeLabel(r: Recognizer, conn: ConnectionCapture): string {
  try {
    return r.label?.(conn) ?? r.name;
  } catch {
    return r.name;
  }
}

/** Runs one recognizer regardless of detection (e.g. when the user picks the protocol). */
export function recognizeAs(conn: ConnectionCapture, r: Recognizer, frames: Frame[] = framesOf(conn), detected?: DetectResult): Recognition {
  const events = safeParse(r, conn, frames);
  return { protocol: r.id, name: safeLabel(r, conn), guess: detected?.guess ?? true, confidence: detected?.confidence ?? 0, frames, events, handles: collectHandles(frames, events) };
}

/** The most confident recognizer for these frames (ties go to the earlier entry), or null. */
export function bestRecognizer(conn: ConnectionCapture, frames: Frame[]): { r: Recognizer; d: DetectResult } | null {
  let best: { r: Recognizer; d: DetectResult } | null = null;
  for (const r of recognizers) {
    const d = safeDetect(r, conn, frames);
    if (d && (!best || d.confidence > best.d.confidence)) best = { r, d };
  }
  return best;
}

/** What a connection no recognizer reads is recognized as. */
export function unrecognized(frames: Frame[], handles: ResumeHandle[]): Recognition {
  return { protocol: null, name: 'Unrecognized', guess: false, confidence: 0, frames, events: [], handles };
}

export function recognize(conn: ConnectionCapture): Recognition {
  const frames = framesOf(conn);
  const best = bestRecognizer(conn, frames);
  if (!best) return unrecognized(frames, collectHandles(frames, []));
  return recognizeAs(conn, best.r, frames, { confidence: Math.min(1, best.d.confidence), guess: best.d.guess });
}
