/**
 * One connection as the analysis sees it: what protocol it speaks, the answer it delivered and
 * whether it is an AI stream at all. Memoized per connection and event count, because the
 * panel asks again on every update while a stream grows.
 */
import { recognize, type Recognition } from '../protocols';
import { reassemble, type Output } from '../reassembly';
import type { ConnectionCapture } from '../trace/model';

export interface AnalyzedConnection {
  conn: ConnectionCapture;
  recognition: Recognition;
  output: Output;
  /** Streams that carry model output (text, reasoning or tool deltas). */
  isAiStream: boolean;
}

const cache = new WeakMap<ConnectionCapture, { events: number; state: string; result: AnalyzedConnection }>();

export function analyzeConnection(conn: ConnectionCapture): AnalyzedConnection {
  const hit = cache.get(conn);
  if (hit && hit.events === conn.events.length && hit.state === conn.summary.state) return hit.result;
  const recognition = recognize(conn);
  const output = reassemble(recognition);
  const isAiStream = conn.summary.streaming && recognition.events.some((e) => e.type === 'text-delta' || e.type === 'reasoning-delta' || e.type === 'tool-call-delta');
  const result = { conn, recognition, output, isAiStream };
  cache.set(conn, { events: conn.events.length, state: conn.summary.state, result });
  return result;
}

/** The text of a connection's answer(s), joined: what the user read from it. */
export function answerText(a: AnalyzedConnection): string {
  return a.output.messages.map((m) => m.text).join('');
}
