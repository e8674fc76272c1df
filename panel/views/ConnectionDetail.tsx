import type { ConnectionCapture } from '../../src/core/trace/model';
import { transportLabel } from '../../src/core/trace/model';
import { copyText, showNote } from '../clipboard';
import { canReplayConnection, recordingOfConnection } from '../../src/core/replay/any';
import type { PanelConnection } from '../connect';
import { curlOf } from '../requests';
import { endLabel, lateJoinLine, lateJoinIncomplete } from '../logic/rows';
import { streamPathOf, type JoinedStream } from '../analysis';
import type { DetailTab, PanelStore } from '../store';
import { EventsView } from './EventsView';
import { ConversationView } from './ConversationView';
import { OutputView } from './OutputView';
import { RequestView } from './RequestView';
import { TimingView } from './TimingView';
import { WsControlView } from './WsControlView';
import { deepOriginLine } from '../logic/deep-capture';
import { servedBy } from '../../src/core/replay/served';

/** What the served note calls the connection. */
const servedNoun = (kind: ConnectionCapture['summary']['kind']): string => (kind === 'websocket' ? 'WebSocket' : kind === 'eventsource' ? 'EventSource' : 'request');

const TABS: { id: DetailTab; label: string }[] = [
  { id: 'events', label: 'Events' },
  { id: 'output', label: 'Output' },
  { id: 'conversation', label: 'Conversation' },
  { id: 'timing', label: 'Timing' },
  { id: 'request', label: 'Request' },
];

/** The requests a joined stream is made of, each selectable on its own (as DevTools groups). */
function JoinedRequests({ store, stream }: { store: PanelStore; stream: JoinedStream }) {
  return (
    <details class="joined-requests" aria-label="Requests of this stream">
      <summary>{stream.label}: {stream.how}</summary>
      <ol>
        {stream.parts.map((p) => (
          <li key={p.summary.id}>
            <button type="button" class="link" onClick={() => (store.selection.connectionId.value = p.summary.id)} title={p.summary.url}>
              {p.summary.method} {p.summary.url.slice(streamPathOf(p.summary.url).length)}
            </button>{' '}
            <span class="muted">
              {p.summary.status ?? '—'} · {endLabel(p.summary)} · {p.summary.events} events
            </span>
          </li>
        ))}
      </ol>
    </details>
  );
}

export function ConnectionDetail({ store, conn, connection }: { store: PanelStore; conn: ConnectionCapture; connection?: PanelConnection | null }) {
  const stream = store.joined.value.byId.get(conn.summary.id) ?? null;
  const partOf = stream ? null : store.joined.value.byPart.get(conn.summary.id) ?? null;
  // Only a live tab's own WebSocket (not one read from a stored session or a worker) can be controlled.
  const controllable = !!connection && conn.summary.kind === 'websocket' && !conn.summary.deep;
  const tabs = controllable ? [...TABS, { id: 'control' as const, label: 'Control' }] : TABS;
  const selected = store.selection.tab.value;
  const tab = selected === 'control' && !controllable ? 'events' : selected;
  // A joined stream's events are many answers end to end: no one request replays them.
  const replayable = connection && !stream && canReplayConnection(conn);
  const socket = conn.summary.kind === 'websocket' || conn.summary.kind === 'eventsource';
  const served = servedBy(conn.summary.detail);
  return (
    <section class="detail" aria-label="Connection detail">
      <div class="tabs" role="tablist" aria-label="Connection views">
        {tabs.map((t) => (
          <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} class={tab === t.id ? 'active' : undefined} onClick={() => (store.selection.tab.value = t.id)}>
            {t.label}
          </button>
        ))}
        <span class="conn-title" title={conn.summary.url}>
          <strong>{stream ? stream.label : transportLabel(conn.summary)}</strong> {stream ? streamPathOf(conn.summary.url) : conn.summary.url}
        </span>
        {partOf && (
          <button type="button" onClick={() => (store.selection.connectionId.value = partOf.id)} title="This request is one of a joined stream's (long-poll, Engine.IO polling): show the whole stream">
            Whole stream
          </button>
        )}
        <button type="button" onClick={() => void copyText(curlOf(conn), 'cURL command')} title="Copy this request as a cURL command for bash, secrets redacted (the row's context menu has the other formats, and each with secrets)">
          Copy as cURL
        </button>
        {replayable && (
          <button
            type="button"
            title={socket
              ? `Answer the page's next new ${conn.summary.kind === 'websocket' ? 'WebSocket' : 'EventSource'} to this URL from this capture, with its original timing, without contacting the server (arm faults first to reproduce a failure)`
              : "Answer the page's next request to this URL from this capture, with its original timing, instead of the network (arm faults first to reproduce a failure)"}
            onClick={() => {
              void connection.replay(recordingOfConnection(conn), 1);
              showNote(socket ? `Replay armed: the page’s next ${conn.summary.kind === 'websocket' ? 'WebSocket' : 'EventSource'} to this URL is served from this capture` : 'Replay armed: the page’s next matching request is answered from this capture', 4000);
            }}
          >
            Replay in page
          </button>
        )}
      </div>
      {served && (
        <p class="replayed" role="note" aria-label={served === 'mock' ? 'Mocked' : 'Replayed'}>
          Served from a {served === 'mock' ? 'mock' : 'recording'}: this {servedNoun(conn.summary.kind)} never reached the server.
        </p>
      )}
      {stream && <JoinedRequests store={store} stream={stream} />}
      {conn.summary.joinedLate && (
        <p class={`late-join ${lateJoinIncomplete(conn.summary.joinedLate) ? 'warn' : 'ok'}`} role="note" aria-label="Joined late">
          {lateJoinLine(conn.summary.joinedLate)}
        </p>
      )}
      {conn.summary.deep && (
        <p class="deep-origin" role="note" aria-label="From a worker">
          {deepOriginLine(conn.summary.deep)}
        </p>
      )}
      <div class="tab-body" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'events' && <EventsView store={store} conn={conn} />}
        {tab === 'output' && <OutputView store={store} conn={conn} />}
        {tab === 'conversation' && <ConversationView store={store} conn={conn} />}
        {tab === 'timing' && <TimingView store={store} conn={conn} />}
        {tab === 'request' && <RequestView conn={conn} />}
        {tab === 'control' && connection && <WsControlView store={store} conn={conn} connection={connection} />}
      </div>
    </section>
  );
}
