/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) as far as we write and read it,
 * plus the custom fields Chrome writes (`_resourceType`, `_webSocketMessages`…) and ours
 * (`_durableSessions`). Custom fields start with `_`, as the spec requires.
 */
import type { ConnectionKind, EndCause, FrameMark, JoinedLate } from '../trace/records';
import type { Mock } from '../mock/model';
import type { ConnectionState, FiredFault, ReconnectMark } from '../trace/model';
import type { TraceFault, TraceFlag, TraceRedaction, TraceSessionV1, TraceTestRun } from './trace-format';

export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: { name: string; value?: string }[];
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
}

export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  _error?: string;
}

export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
}

/** Chrome's shape: `time` in seconds (float, wall clock), opcode 1 text / 2 binary (base64). */
export interface HarWebSocketMessage {
  type: 'send' | 'receive';
  time: number;
  opcode: number;
  data: string;
  /** Ours: what the inspector's WebSocket control did to the frame (sent, injected, blocked…). */
  _mark?: FrameMark;
}

/** Chrome's `EventSourceMessage` shape (time in seconds, like WebSocket messages). */
export interface HarEventSourceMessage {
  time: number;
  eventName: string;
  eventId: string;
  data: string;
}

/** How a fetch/XHR body was cut into chunks, so a HAR round trip restores them. */
export interface HarChunk {
  time: number;
  /** Bytes as captured. */
  size: number;
  /** Length of the chunk in `content.text`: UTF-16 units, or bytes when the content is base64. */
  length: number;
  /** The chunk was binary (an event with `base64`). */
  binary?: boolean;
}

export interface HarDurableConnection {
  connectionId: string;
  kind: ConnectionKind;
  transport: string;
  startedAt: number;
  status: number | null;
  state: ConnectionState;
  end: EndCause | null;
  endedAt: number | null;
  endDetail: string | null;
  endInjected: boolean;
  reconnects: number;
  streaming: boolean;
  detail: string | null;
  faults: FiredFault[];
  reconnectMarks: ReconnectMark[];
  joinedLate: JoinedLate | null;
  chunks?: HarChunk[];
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  _resourceType?: string;
  _initiator?: unknown;
  _priority?: string;
  _webSocketMessages?: HarWebSocketMessage[];
  _eventSourceMessages?: HarEventSourceMessage[];
  _durableSessions?: HarDurableConnection;
}

export interface HarPage {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: { onContentLoad?: number; onLoad?: number };
}

/** A session's meta as a trace keeps it (its view included), without the connections (HAR entries carry those). */
export type HarDurableSession = Omit<TraceSessionV1, 'connections'>;

export interface HarDurableLog {
  exportedAt: string;
  pageUrl: string;
  userAgent?: string;
  redaction: TraceRedaction;
  sessions: HarDurableSession[];
  faults: TraceFault[];
  testRuns: TraceTestRun[];
  flags: TraceFlag[];
  /** The session's mock streams, as the trace keeps them. */
  mocks?: Mock[];
}

export interface Har {
  log: {
    version: string;
    creator: { name: string; version: string; comment?: string };
    browser?: { name: string; version: string };
    pages?: HarPage[];
    entries: HarEntry[];
    comment?: string;
    _durableSessions?: HarDurableLog;
  };
}
