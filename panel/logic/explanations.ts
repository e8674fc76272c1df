/**
 * One short paragraph per finding and per test, shown under "Learn more" in the panel. The same
 * text is the README's "Findings" section (anchors = flag and test ids); a unit
 * test keeps the two in step, so the panel explains itself offline with what the docs say.
 */
import type { FlagId, TestId } from '../../src/core/analysis';

export const FLAG_EXPLANATIONS: Record<FlagId, { title: string; text: string }> = {
  'request-bound-stream': {
    title: 'Request-bound stream',
    text: 'The answer is streamed as the response to the POST that started the generation, and nothing in it (no event id, offset, run id or stream handle) lets a client ask for the rest later. The generation lives and dies with this one HTTP response: when the connection drops, the remaining output is lost and a second tab cannot subscribe to it. Start the generation with one request and stream it from an addressable resource (a run or stream id) that a client can re-subscribe to from an offset.',
  },
  'sse-without-ids': {
    title: 'SSE events without ids',
    text: 'The Server-Sent Events carry no `id:` field. Without ids the browser (or the app) has no Last-Event-ID to send when it reconnects, so the server cannot resume after the last event the client received: it can only start over or give up. Give every event a monotonically increasing id and honour `Last-Event-ID` on reconnect.',
  },
  'bare-abort-stop': {
    title: 'Stop that only aborts',
    text: 'Pressing stop only closed the stream; no cancel request or message was sent. The server cannot tell "the user cancelled" from "the network dropped" (the SSE Resume-Cancel Conflict), so it either keeps generating for nobody or treats every network blip as a cancel. Send an explicit cancel (a request or a WebSocket message) and let disconnect mean only disconnect.',
  },
  'reconnect-replays': {
    title: 'Reconnect replays the answer',
    text: 'After the stream broke, the client reconnected but the server sent output the client already had — the answer started over, or repeated events. Either the reconnect carried no Last-Event-ID or offset, or the server ignored it. Resume after the last delivered event: no gap, no duplicate, no regenerated answer.',
  },
  'sequence-gaps': {
    title: 'Gaps or repeats in sequence numbers',
    text: 'The stream numbers its events (ids, sequence numbers or offsets) and the numbers skip or repeat: output was lost or delivered twice. Usually a resume that started from the wrong position, or events dropped between a producer and the stream.',
  },
  'silence-without-heartbeat': {
    title: 'Long silence without heartbeat',
    text: 'The stream went quiet for longer than common proxy and load-balancer idle timeouts (30–60 s) without sending anything. Idle connections are cut by infrastructure between the server and the user, which looks like a network drop mid-answer. Send a heartbeat (an SSE comment or a ping message) every 15–20 s while a generation is running.',
  },
  'orchestrator-funnel': {
    title: 'Orchestrator funnel',
    text: "Several agents' output arrives multiplexed through one orchestrator stream: the orchestrator both coordinates and relays (the Orchestrator Dual-Purpose Problem). If that one stream drops, every agent's progress is lost with it, and clients cannot follow one agent on its own. Let each agent publish to the durable session directly.",
  },
};

export const TEST_EXPLANATIONS: Record<TestId, { title: string; text: string }> = {
  'reconnect-resume': {
    title: 'Reconnect-resume',
    text: "The inspector waits for a generation to stream, drops its connection after a few events (an injected network error the app cannot tell from a real one) and watches. A later connection resumes the dropped one when they share an identity (chat, run, stream, message or session id in the URL, body, headers or stream — `POST /api/chat` is resumed by `GET /api/chat/<id>/stream`), or, for id-less streams, goes to the same place. Ids, offsets and sequence numbers decide continuation, gap and duplicate; text overlap is only a guess for id-less streams, and the page's text settles it. PASS: the app reconnects by itself and the user ends up with the whole answer once, from the same generation — resumed after the last event, or replayed from the start under the same message id with the page showing it once (a PASS with a note). FAIL: no reconnect; the rest never arrives; a new generation (the prompt sent again, a new message id), even when the final text is right; ids that skip; the page showing part of the answer twice; an id-less stream that asked for nothing and went on at its pace after a long silence with no catch-up (judged by timing, and said so). INCONCLUSIVE: no generation streamed (the reason names the candidate streams when requests went out but none carried text the page shows), or too little had arrived to decide.",
  },
  'multi-surface': {
    title: 'Multi-surface visibility',
    text: 'While a generation streams in this tab, the inspector opens the same conversation (the page URL, or the second-tab URL you give) in a second tab. PASS: the second tab receives the in-flight output live. FAIL: it shows nothing until the answer completes and the page is reloaded, or never.',
  },
  'second-tab-cancel': {
    title: 'Live cancel from a second tab',
    text: "The inspector starts watching a generation in this tab, opens the conversation in a second tab, waits for its stop control to be usable (or for the answer to end) and presses it there (found by its accessible name, or by the stop selector you give). PASS: the second tab sends an explicit cancel (a request or socket message: `POST …/cancel`, MCP's `notifications/cancelled`, a JSON-RPC call of a `stop` tool, a Socket.IO `cancel` event…) and the generation stops at the source (this tab stops growing, on the wire and on the page). Whether this tab's stream ends with a cancellation it can tell from a disconnect is advice, not the verdict. FAIL: the second tab does not show the run and has no stop control for it, its control is disabled, it sends no explicit cancel, or this tab keeps streaming. INCONCLUSIVE: the second tab shows the run but no stop control was recognised (name it with `--stop`).",
  },
};
