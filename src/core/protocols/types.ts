/**
 * What a recognizer says about a connection: which AI protocol it speaks and the protocol's
 * messages as protocol-neutral `AiEvent`s, each pointing at the frame that carried it.
 */
import type { Frame } from '../parse/types';
import type { ConnectionCapture } from '../trace/model';

export type { Frame } from '../parse/types';

export type ProtocolId =
  | 'openai-chat'
  | 'openai-responses'
  | 'anthropic'
  | 'gemini'
  | 'vercel-ui'
  | 'vercel-data'
  | 'langgraph'
  | 'mcp'
  | 'socketio'
  | 'durable-streams'
  | 'openai-realtime'
  | 'cloudflare-agents'
  | 'ably'
  | 'connect'
  | 'generic-sse'
  | 'generic-ndjson'
  | 'generic-ws-json';

export interface ResumeHandle {
  kind: 'event-id' | 'sequence' | 'offset' | 'cursor' | 'run-id' | 'stream-id' | 'session-id' | 'message-id' | 'response-id' | 'conversation-id';
  value: string;
}

export type AiEventBody =
  | { type: 'message-start'; role?: string }
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string }
  /** Reasoning the provider encrypted (Anthropic `redacted_thinking`, AI SDK `i:`): it existed, its text is not shown. */
  | { type: 'reasoning-redacted' }
  | { type: 'tool-call-delta'; toolCallId?: string; name?: string; argsDelta: string }
  /** The call's input is complete; `args` when the protocol repeats it whole. */
  | { type: 'tool-call-end'; toolCallId?: string; name?: string; args?: string }
  /** What a tool returned (as JSON text when it was not a string); `isError` when it failed. */
  | { type: 'tool-result'; toolCallId?: string; name?: string; output: string; isError?: boolean }
  /** A source or citation the answer rests on; `quote` is the cited passage when given. */
  | { type: 'source'; url?: string; title?: string; sourceId?: string; quote?: string }
  /** Who answered: the model and the provider's response id, when the stream names them. */
  | { type: 'model-info'; model?: string; responseId?: string }
  | { type: 'step'; boundary: 'start' | 'end'; name?: string }
  | { type: 'usage'; inputTokens?: number; outputTokens?: number }
  | { type: 'finish'; reason?: string }
  | { type: 'error'; message: string }
  | { type: 'cancel'; reason?: string }
  | { type: 'heartbeat' }
  /** Something the client SENT: resume, cancel, subscribe, ack… */
  | { type: 'control'; name: string }
  | { type: 'parse-error'; message: string; raw: string };

export interface AiEventMeta {
  /** Frame.index of the frame that carried the event. */
  frame: number;
  messageId?: string;
  agent?: string;
  handles?: ResumeHandle[];
}

export type AiEvent = AiEventBody & AiEventMeta;

export interface DetectResult {
  confidence: number;
  /** True for heuristic fallbacks. */
  guess: boolean;
}

/**
 * A recognizer's parse as a fold over frames, for a stream that grows: `feed` reads the frames
 * from `from` on (those before were fed in earlier calls) and appends to `events`. Feeding a
 * stream in any number of pieces gives the events `parse` gives for all of it — `parse` is this
 * fold fed once — so it must not look ahead, back at earlier frames, or at `frames.length`.
 */
export interface FrameParser {
  feed(frames: readonly Frame[], from: number): void;
  readonly events: readonly AiEvent[];
}

export interface Recognizer {
  id: ProtocolId;
  /** Shown in the UI, e.g. "OpenAI Chat Completions". */
  name: string;
  /** The name for this connection when it depends on it (the codec, the RPC method). */
  label?(conn: ConnectionCapture): string;
  detect(conn: ConnectionCapture, frames: Frame[]): DetectResult | null;
  parse(conn: ConnectionCapture, frames: Frame[]): AiEvent[];
  /** The same parse, fed as frames arrive (see FrameParser); absent: parsed whole each time. */
  parser?(conn: ConnectionCapture): FrameParser;
}

export interface Recognition {
  protocol: ProtocolId | null;
  /** 'Unrecognized' when protocol is null. */
  name: string;
  guess: boolean;
  confidence: number;
  frames: Frame[];
  events: AiEvent[];
  /** Distinct, in order of first appearance. */
  handles: ResumeHandle[];
}
