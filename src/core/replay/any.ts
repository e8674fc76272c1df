/**
 * Every kind of replay recording, as the `replay` request and the hook's `arm-replay` command
 * carry one: a fetch/XHR response (`ReplayRecording`, which has no `kind`, so traces and mocks
 * from before socket replays still import) or a WebSocket / EventSource (`SocketRecording`).
 */
import type { ConnectionCapture } from '../trace/model';
import { canReplay, parseRecording, recordingOf, type ReplayRecording } from './recording';
import { canReplaySocket, parseSocketRecording, socketRecordingOf, type SocketRecording } from './socket-recording';

export type AnyRecording = ReplayRecording | SocketRecording;

export function isSocketRecording(r: AnyRecording): r is SocketRecording {
  const kind = (r as { kind?: unknown }).kind;
  return kind === 'websocket' || kind === 'eventsource';
}

/** Rebuilds any recording from untrusted input: one with a `kind` is a socket's, one without a fetch/XHR response's. */
export function parseAnyRecording(x: unknown): { ok: true; recording: AnyRecording } | { ok: false; error: string } {
  if (typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind !== undefined) return parseSocketRecording(x);
  return parseRecording(x);
}

export const canReplayConnection = (conn: ConnectionCapture): boolean => canReplay(conn) || canReplaySocket(conn);

export const recordingOfConnection = (conn: ConnectionCapture): AnyRecording => (canReplaySocket(conn) ? socketRecordingOf(conn) : recordingOf(conn));
