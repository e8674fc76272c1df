/** A tab's snapshot as `durable.capture(page)` gives it: plain data a spec can assert on. */
import { analyzeWithView } from '../core/analysis';
import { transportLabel, type TabSnapshot } from '../core/trace/model';
import type { CapturedConnection, CapturedMessage, DurableCapture } from './types.js';

export function captureOf(sessionId: string | null, snapshot: TabSnapshot): DurableCapture {
  const analyzed = analyzeWithView(snapshot.connections, snapshot.view ?? []);
  const connections: CapturedConnection[] = analyzed.map((a) => {
    const s = a.conn.summary;
    const inbound = a.conn.events.filter((e) => e.dir === 'in');
    const messages: CapturedMessage[] = a.isAiStream
      ? a.output.messages.map((m) => ({
          connectionId: s.id,
          ...(m.agent !== undefined ? { agent: m.agent } : {}),
          text: m.text,
          finished: m.finished,
          cancelled: m.cancelled,
          ...(m.error !== undefined ? { error: m.error } : {}),
        }))
      : [];
    return {
      id: s.id,
      kind: s.kind,
      transport: transportLabel(s),
      method: s.method,
      url: s.url,
      status: s.status,
      state: s.state,
      protocol: a.recognition.name,
      aiStream: a.isAiStream,
      events: s.events,
      bytesIn: s.bytesIn,
      bytesOut: s.bytesOut,
      end: s.end,
      endInjected: s.endInjected,
      faults: s.faults.map((f) => ({ kind: f.kind, time: f.time })),
      startedAt: s.startedAt,
      firstEventAt: inbound[0]?.time ?? null,
      lastEventAt: inbound.at(-1)?.time ?? null,
      endedAt: s.endedAt,
      messages,
    };
  });
  const starts = connections.map((c) => c.startedAt);
  const startedAt = starts.length ? Math.min(...starts) : null;
  const lastSeen = Math.max(...connections.map((c) => Math.max(c.endedAt ?? 0, c.lastEventAt ?? 0, c.startedAt)));
  const firstAi = connections.find((c) => c.aiStream);
  return {
    sessionId,
    connections,
    messages: connections.flatMap((c) => c.messages),
    timing: {
      startedAt,
      durationMs: startedAt === null ? 0 : lastSeen - startedAt,
      firstEventMs: firstAi?.firstEventAt != null ? firstAi.firstEventAt - firstAi.startedAt : null,
    },
  };
}
