/**
 * Recognition of a connection while it grows (a live stream the panel shows, re-read on every
 * batch of new events): its frames are built once each, the detectors' whole-stream scans read
 * only what was added (util.ts `someFrame`), the chosen recognizer's parser is fed only the new
 * frames (types.ts `FrameParser`), and the handles are collected as they come. The result is
 * what `recognize` gives for the connection as it is now. What cannot be extended is computed
 * whole: a recognizer without a parser, a parser that threw, a change of recognizer.
 *
 * Only connections whose events are whole messages (WebSocket, EventSource) are read this way;
 * a fetch/XHR body is framed across events (`growingRecognition` returns null for it).
 */
import { messageFramer } from '../parse/frames';
import type { ConnectionCapture, TraceEvent } from '../trace/model';
import type { ConnectionKind } from '../trace/records';
import { bestRecognizer, handleCollector, recognizeAs, safeLabel, unrecognized } from './index';
import type { AiEvent, Frame, FrameParser, Recognition, Recognizer, ResumeHandle } from './types';

export interface GrownRecognition {
  recognition: Recognition;
  /**
   * The events as a fold sees them: the same array as in the previous call, grown, when
   * `continued`; otherwise a new one (the reading started over). Do not modify it.
   */
  events: readonly AiEvent[];
  continued: boolean;
}

export interface GrowingRecognition {
  /** `conn` is the same connection on every call, with events appended since the last one. */
  update(conn: ConnectionCapture): GrownRecognition;
}

const hasPayload = (e: TraceEvent): boolean => e.text !== null || e.base64 !== null;

export function growingRecognition(kind: ConnectionKind): GrowingRecognition | null {
  if (!messageFramer(kind)) return null;
  let frame = messageFramer(kind)!;
  let frames: Frame[] = [];
  /** Events framed so far (frames may be fewer: marked WebSocket frames are skipped). */
  let fed = 0;
  // The first framed event that had a payload: the budget drops payloads oldest first
  // (trace/budget.ts dropPayloads), so if this one lost its payload, frames built earlier are
  // stale and the connection is framed again.
  let firstHeld = -1;
  let parsed: { r: Recognizer; p: FrameParser; fed: number; handles: ReturnType<typeof handleCollector> } | null = null;
  let noneHandles: ReturnType<typeof handleCollector> | null = null;

  const refresh = (events: readonly TraceEvent[]): void => {
    if (fed > events.length || (firstHeld >= 0 && !hasPayload(events[firstHeld]!))) {
      frame = messageFramer(kind)!;
      frames = [];
      fed = 0;
      firstHeld = -1;
      parsed = null;
      noneHandles = null;
    }
    const from = fed;
    frame(events, from, frames);
    fed = events.length;
    if (firstHeld < 0) for (let i = from; i < events.length; i++) if (hasPayload(events[i]!)) { firstHeld = i; break; }
  };

  return {
    update(conn) {
      refresh(conn.events);
      const best = bestRecognizer(conn, frames);
      // Handed-out recognitions get copies: the arrays here keep growing.
      const shown = frames.slice();
      const result = (recognition: Recognition, events: readonly AiEvent[], continued: boolean): GrownRecognition => ({ recognition, events, continued });
      if (!best) {
        parsed = null;
        noneHandles ??= handleCollector();
        const handles: ResumeHandle[] = noneHandles(frames, []);
        return result(unrecognized(shown, handles), [], false);
      }
      noneHandles = null;
      const detected = { confidence: Math.min(1, best.d.confidence), guess: best.d.guess };
      if (!best.r.parser) {
        parsed = null;
        const rec = recognizeAs(conn, best.r, shown, detected);
        return result(rec, rec.events, false);
      }
      let continued = true;
      if (!parsed || parsed.r !== best.r) {
        parsed = { r: best.r, p: best.r.parser(conn), fed: 0, handles: handleCollector() };
        continued = false;
      }
      try {
        parsed.p.feed(frames, parsed.fed);
        parsed.fed = frames.length;
      } catch {
        // The parse as a whole throws at the same frame: recognizeAs reports it as it always does.
        parsed = null;
        const rec = recognizeAs(conn, best.r, shown, detected);
        return result(rec, rec.events, false);
      }
      const events = parsed.p.events;
      const recognition: Recognition = {
        protocol: best.r.id,
        name: safeLabel(best.r, conn),
        guess: detected.guess,
        confidence: detected.confidence,
        frames: shown,
        events: events.slice(),
        handles: parsed.handles(frames, events),
      };
      return result(recognition, events, continued);
    },
  };
}
