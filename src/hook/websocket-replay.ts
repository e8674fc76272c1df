/**
 * A replayed WebSocket's behaviour: what the browser's socket does for the app, played from a
 * recording instead of a server — `open` (with the recorded `protocol` and `extensions`), each
 * recorded server frame as a MessageEvent at its time × scale (binary per the `binaryType` set
 * at that moment, as the browser decides it on receipt), the recorded close, and the app's
 * `send`/`close` with the checks and exceptions of the WebSockets standard
 * (https://websockets.spec.whatwg.org/#the-websocket-interface). The app's frames go nowhere:
 * there is no server; websocket.ts captures them.
 *
 * The events are dispatched as the network's would be (not marked as ours), so the capture and
 * the faults see them exactly as native ones: a stall holds them, a drop ends the replay.
 *
 * Runs in the page: captured built-ins only (core/builtins.ts).
 */
import { apply } from './define';
import { append, bufferOf, bufferByteLength, byteLengthOf, floor, isArrayBuffer, isArrayBufferView, max, min, parseUrl } from '../core/builtins';
import type { WsRecording, WsReplayFrame } from '../core/replay/socket-recording';
import type { EngineTraits } from './engine';
import type { Face } from './replay-faces';
import { base64Bytes } from './ws-control';
import { utf8Length } from './encode';
import { safely } from './safely';

type G = Window & typeof globalThis;

const WHERE = 'hook:websocket-replay';
const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

export interface WsPlayerHost {
  g: G;
  ws: WebSocket;
  /** The resolved URL the socket answers as `url`. */
  url: string;
  recording: WsRecording;
  scale: number;
  face: Face;
  traits: EngineTraits;
  readyState(): number;
  setReadyState(state: number): void;
  /** Dispatches as the network would: not marked as ours, so capture and faults treat it as native. */
  dispatch(e: Event): void;
  /** The Blob's size, or null when `x` is no Blob (a brand check). */
  blobSize(x: unknown): number | null;
}

export interface WsPlayer {
  start(): void;
  /** The app's `send`: throws what a socket throws, else returns the frame as sent (for the capture). */
  send(args: unknown[]): unknown;
  /** The app's `close`: throws what a socket throws, else starts closing. */
  close(args: unknown[]): void;
  /** Stops playing (a fault ended the socket): nothing more is dispatched. */
  stop(): void;
}

/** Server frames that wait for the app's `after`-th send (0: none) and then play from `base` ms. */
interface Segment {
  after: number;
  base: number;
  frames: WsReplayFrame[];
}

export function createWsPlayer(h: WsPlayerHost): WsPlayer {
  const { g, recording, scale } = h;
  const setTimeoutFn = g.setTimeout;
  const clearTimeoutFn = g.clearTimeout;
  const EventCtor = g.Event;
  const MessageEventCtor = g.MessageEvent;
  const CloseEventCtor = g.CloseEvent;
  const DOMExceptionCtor = g.DOMException;
  const TypeErrorCtor = g.TypeError;
  const BlobCtor = g.Blob;
  const U8 = g.Uint8Array;
  const atobFn = g.atob;
  const StringFn = g.String;
  const NumberFn = g.Number;
  const origin = parseUrl(h.url).origin;
  let timers: number[] = [];
  let stopped = false;
  let sends = 0;

  const later = (fn: () => void, ms: number) => {
    append(timers, apply(setTimeoutFn, g, [() => safely(() => {
      if (!stopped) fn();
    }, WHERE), ms]) as unknown as number);
  };
  const stop = () => {
    stopped = true;
    for (let i = 0; i < timers.length; i++) apply(clearTimeoutFn, g, [timers[i]]);
    timers = [];
  };

  // Segments: without pacing, every server frame plays on the recorded clock from the open;
  // with it, the frames after the app's n-th recorded send wait for its n-th actual send.
  const segments: Segment[] = [{ after: 0, base: 0, frames: [] }];
  const frames = recording.frames;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    if (f.dir === 'out') {
      if (recording.pacedBySends) append(segments, { after: segments.length, base: f.at, frames: [] });
      continue;
    }
    append(segments[segments.length - 1]!.frames, f);
  }
  // The close plays in the segment it fell in: a send the app made after it (recorded, as the
  // app's send on a closed socket is) waits for nothing.
  let closeSegment = 0;
  if (recording.close) for (let i = 1; i < segments.length; i++) if (segments[i]!.base < recording.close.at) closeSegment = i;

  const message = (f: WsReplayFrame): MessageEvent => {
    let data: unknown = f.text;
    if (f.base64 !== null) {
      const bytes = base64Bytes(f.base64, (x) => apply(atobFn, g, [x]) as string, U8);
      data = h.face.values.binaryType === 'arraybuffer' ? bufferOf(bytes) : new BlobCtor([bytes]);
    }
    return new MessageEventCtor('message', { __proto__: null, data, origin } as MessageEventInit);
  };

  const closeEvent = (code: number, reason: string, wasClean: boolean) =>
    new CloseEventCtor('close', { __proto__: null, code, reason, wasClean } as CloseEventInit);

  const play = (index: number) => {
    const seg = segments[index]!;
    for (let i = 0; i < seg.frames.length; i++) {
      const f = seg.frames[i]!;
      later(() => {
        if (h.readyState() === OPEN) h.dispatch(message(f));
      }, (f.at - seg.base) * scale);
    }
    const c = recording.close;
    if (index === closeSegment && c) {
      later(() => {
        h.setReadyState(CLOSED);
        stopped = true;
        if (c.error) h.dispatch(new EventCtor('error'));
        h.dispatch(closeEvent(c.code, c.reason, c.wasClean));
      }, (c.at - seg.base) * scale);
    }
  };

  const invalid = (message: string, name: string) => new DOMExceptionCtor(message, name);

  return {
    start() {
      later(() => {
        h.face.values.protocol = recording.protocol;
        h.face.values.extensions = recording.extensions;
        h.setReadyState(OPEN);
        h.dispatch(new EventCtor('open'));
      }, 0);
      play(0);
    },
    send(args) {
      if (args.length === 0) throw new TypeErrorCtor(h.traits.wsSendMissing);
      let data: unknown = args[0];
      // The overloads (USVString or Blob or ArrayBuffer or ArrayBufferView): anything else is
      // converted to a string, as the binding does.
      if (typeof data !== 'string' && !isArrayBuffer(data) && !isArrayBufferView(data) && h.blobSize(data) === null) data = StringFn(data);
      const state = h.readyState();
      if (state === CONNECTING) throw invalid(h.traits.wsSendConnecting, 'InvalidStateError');
      if (state !== OPEN) {
        // A frame sent while closing is never sent; the standard counts it as buffered.
        const size = typeof data === 'string' ? utf8Length(data) : isArrayBuffer(data) ? bufferByteLength(data) : isArrayBufferView(data) ? byteLengthOf(data) : (h.blobSize(data) ?? 0);
        h.face.values.bufferedAmount = (h.face.values.bufferedAmount as number) + size;
        return data;
      }
      sends += 1;
      for (let i = 1; i < segments.length; i++) if (segments[i]!.after === sends) play(i);
      return data;
    },
    close(args) {
      const rawCode = args[0];
      const rawReason = args[1];
      // The binding converts both first ([Clamp] unsigned short, USVString), then the checks run.
      let code: number | null = null;
      if (rawCode !== undefined) {
        const n = NumberFn(rawCode);
        code = n !== n ? 0 : min(65535, max(0, floor(n + 0.5)));
      }
      const reason = rawReason === undefined ? '' : StringFn(rawReason);
      if (code !== null && code !== 1000 && (code < 3000 || code > 4999)) throw invalid(h.traits.wsCloseCode(code), 'InvalidAccessError');
      if (utf8Length(reason) > 123) throw invalid(h.traits.wsCloseReason, 'SyntaxError');
      const state = h.readyState();
      if (state === CLOSING || state === CLOSED) return;
      stop();
      stopped = false;
      h.setReadyState(CLOSING);
      // Closing before the handshake fails the connection (error, then 1006); after it, the
      // closing handshake completes cleanly with the app's code (1005: none given).
      later(() => {
        h.setReadyState(CLOSED);
        stopped = true;
        if (state === CONNECTING) {
          h.dispatch(new EventCtor('error'));
          h.dispatch(closeEvent(1006, '', false));
        } else h.dispatch(closeEvent(code ?? 1005, reason, true));
      }, 0);
    },
    stop,
  };
}
