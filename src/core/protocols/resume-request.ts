/**
 * What a connection asked to resume from, as the client said it in the request rather than in
 * frames: the `Last-Event-ID` header (EventSource reconnects, MCP, LangGraph rejoin) and query
 * parameters such as the Responses API's `starting_after`. Comparing this with the first handle
 * the server then sent is how a resume that was ignored becomes visible.
 */
import type { ConnectionCapture } from '../trace/model';
import type { ResumeHandle } from './types';
import { header } from './util';

/** Parameter names (lower case) that say where to resume from, or which stream or run to resume. */
export const RESUME_PARAMS: Record<string, ResumeHandle['kind']> = {
  starting_after: 'sequence',
  after_sequence: 'sequence',
  seq: 'sequence',
  offset: 'offset',
  cursor: 'cursor',
  lasteventid: 'event-id',
  last_event_id: 'event-id',
  stream_id: 'stream-id',
  streamid: 'stream-id',
  run_id: 'run-id',
  // Ably: the connection key to resume, or the recovery key of a page that reloaded.
  resume: 'session-id',
  recover: 'session-id',
};

export function resumeRequestOf(conn: ConnectionCapture): ResumeHandle[] {
  const out: ResumeHandle[] = [];
  const last = header(conn, 'last-event-id', 'request');
  if (last !== undefined && last !== '') out.push({ kind: 'event-id', value: last });
  try {
    const url = new URL(conn.summary.url, 'http://x');
    for (const [k, v] of url.searchParams) {
      const kind = RESUME_PARAMS[k.toLowerCase()];
      if (kind && v !== '') out.push({ kind, value: v });
    }
  } catch {
    // An unparsable URL simply carries no resume parameters.
  }
  return out;
}
