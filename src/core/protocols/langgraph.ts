/**
 * LangGraph Platform / LangServe streaming over SSE: `event: metadata` (run_id), then one event
 * per stream mode — `values`, `updates`, `messages` (`[message_chunk, metadata]` tuples),
 * `messages/partial` (cumulative content, diffed here into deltas), `events`, `custom`,
 * `debug`, LangServe `data` — and `end` / `error`. Subgraph events are namespaced `mode|ns`.
 * The graph node (`langgraph_node`) is the agent. SSE ids drive `Last-Event-ID` rejoin.
 *
 * Joins (`@langchain/langgraph-sdk` `RunsClient.joinStream` and `ThreadsClient.joinStream`):
 * `GET /threads/<t>/runs/<r>/stream` with `Last-Event-ID` rejoins a run after the last event the
 * client had, `GET /threads/<t>/stream` follows whatever runs on the thread, and
 * `POST /threads/<t>/runs/<r>/cancel` is the explicit cancel. The thread and run ids in the URL
 * are handles too, so a join links to the run it resumes.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, Frame, Recognizer } from './types';
import { Emitter, framesWhere, get, isObj, share, someFrame, str, textOf, urlPath, type Obj } from './util';

const MODES = /^(metadata|values|updates|messages|messages\/(partial|complete|metadata)|events|custom|debug|tasks|checkpoints|data|end|error|feedback)(\|.*)?$/;

const isNamedEvent = (f: Frame): boolean => f.kind === 'sse' && f.event !== undefined && f.event !== 'message';
const isRunMetadata = (f: Frame): boolean => f.event === 'metadata' && get(f.json, 'run_id') !== undefined;

function detect(conn: ConnectionCapture, frames: Frame[]) {
  const byUrl = /\/runs\/(stream|[^/]+\/stream)\/?$|\/stream(_events|_log)?\/?$/.test(urlPath(conn));
  const sse = framesWhere(frames, isNamedEvent);
  if (sse.length === 0) return null;
  const s = share(sse, (f) => MODES.test(f.event!));
  const meta = someFrame(sse, isRunMetadata);
  if (s < 0.5 && !meta) return null;
  return { confidence: Math.min(1, 0.4 + s * 0.3 + (meta ? 0.3 : 0) + (byUrl ? 0.1 : 0)), guess: false };
}

/** Thread and run ids named by the URL (`/threads/<t>/runs/<r>/stream`, `/threads/<t>/stream`). */
function urlIds(conn: ConnectionCapture): { thread?: string; run?: string } {
  const m = /\/threads\/([^/]+)(?:\/runs\/([^/]+))?\/(?:runs\/)?stream\/?$/.exec(urlPath(conn));
  if (!m) return {};
  return { thread: m[1], run: m[2] === 'stream' ? undefined : m[2] };
}

function toolChunks(em: Emitter, chunk: Obj): void {
  const calls = chunk.tool_call_chunks;
  for (const c of Array.isArray(calls) ? calls : []) {
    em.emit({ type: 'tool-call-delta', toolCallId: str(get(c, 'id')), name: str(get(c, 'name')) ?? undefined, argsDelta: str(get(c, 'args')) ?? '' });
  }
}

function parse(conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const em = new Emitter();
  const seen = new Map<string, string>();
  const ids = urlIds(conn);
  // The URL's ids go with the first frame, after what a `metadata` frame itself says.
  let urlPending = true;
  const urlHandles = (): void => {
    if (!urlPending) return;
    urlPending = false;
    em.handle('run-id', ids.run);
    em.handle('conversation-id', ids.thread);
  };
  for (const f of frames) {
    if (!em.incoming(f)) continue;
    if ((f.event ?? '').split('|')[0] !== 'metadata') urlHandles();
    const [mode = 'message', ns] = (f.event ?? 'message').split('|');
    const j = f.json;
    if (f.kind !== 'sse' || (j === undefined && mode !== 'end')) {
      if (f.data.trim() !== '') em.parseError(f, f.error ?? 'not a LangGraph event');
      continue;
    }
    const base = { messageId: undefined, agent: ns };
    switch (mode) {
      case 'metadata':
        em.handle('run-id', get(j, 'run_id'));
        em.handle('conversation-id', get(j, 'thread_id'));
        urlHandles();
        em.emit({ type: 'step', boundary: 'start', name: 'run' }, base);
        break;
      case 'messages': {
        const chunk = Array.isArray(j) ? j[0] : j;
        const meta = Array.isArray(j) ? j[1] : undefined;
        if (!isObj(chunk)) break;
        const agent = str(get(meta, 'langgraph_node')) ?? ns;
        const id = str(chunk.id);
        const type = str(chunk.type) ?? '';
        if (type !== '' && !/AIMessage|ai/.test(type)) {
          em.step(`message:${type}`);
          break;
        }
        const text = textOf(chunk.content);
        if (text) em.emit({ type: 'text-delta', text }, { messageId: id, agent });
        toolChunks(em, chunk);
        const reason = str(get(chunk, 'response_metadata', 'finish_reason'));
        if (reason) em.emit({ type: 'finish', reason }, { messageId: id, agent });
        if (!text && !reason && !Array.isArray(chunk.tool_call_chunks)) em.step('message', 'end');
        break;
      }
      case 'messages/partial':
      case 'messages/complete': {
        for (const m of Array.isArray(j) ? j : []) {
          const id = str(get(m, 'id')) ?? 'default';
          const full = textOf(get(m, 'content')) ?? '';
          const prev = seen.get(id) ?? '';
          // Partial messages repeat everything so far; only the new suffix is a delta.
          if (full.startsWith(prev) && full.length > prev.length) em.emit({ type: 'text-delta', text: full.slice(prev.length) }, { messageId: id, agent: ns });
          else if (!full.startsWith(prev)) em.emit({ type: 'parse-error', message: 'partial message rewrote earlier content', raw: full.slice(0, 2000) }, { messageId: id, agent: ns });
          seen.set(id, full);
          if (mode === 'messages/complete') em.emit({ type: 'finish', reason: 'complete' }, { messageId: id, agent: ns });
        }
        if (!Array.isArray(j) || j.length === 0) em.step(mode);
        break;
      }
      case 'updates':
        em.step(isObj(j) ? Object.keys(j).join(',') : 'updates', 'end');
        break;
      case 'end':
        em.emit({ type: 'finish', reason: 'end' }, base);
        break;
      case 'error': {
        const name = str(get(j, 'error')) ?? '';
        const message = str(get(j, 'message')) ?? (typeof j === 'string' ? j : JSON.stringify(j));
        if (/Cancel/i.test(name) || /cancel/i.test(message)) em.emit({ type: 'cancel', reason: message }, base);
        else em.emit({ type: 'error', message: name ? `${name}: ${message}` : message }, base);
        break;
      }
      default:
        em.step(mode, 'end');
    }
  }
  return em.events;
}

export const langgraph: Recognizer = { id: 'langgraph', name: 'LangGraph / LangServe', detect, parse };
