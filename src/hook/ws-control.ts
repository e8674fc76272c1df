/**
 * WebSocket control from the panel: what one captured socket does when the panel sends to the
 * server, injects a message into the app, simulates a close or an error, blocks or pauses a
 * direction, or holds a message at a breakpoint. websocket.ts supplies the socket's natives
 * (`SocketPort`); this module holds the state and decides, per message, whether the app or
 * the server still gets it.
 *
 * Every outcome is a capture record: frames the control touched carry a `mark`, and each
 * action (done or refused) and each breakpoint hit is a `control` record.
 *
 * Runs in the page: captured built-ins only (core/builtins.ts).
 */
import { append, charCodeAt, includes, matches, regExpOf, SafeMap, slice } from '../core/builtins';
import type { ControlAction, Direction, FrameMark } from '../core/trace/records';
import type { WsAction, WsPayload } from '../protocol/ws-control';
import type { Emitter } from './emit';
import type { Delivery } from './message-transport';

/** What a socket's control needs from websocket.ts: natives captured at install, bound to one socket. */
export interface SocketPort {
  readonly conn: string;
  readonly delivery: Delivery;
  /** Whether the app may still use the socket (open, and not ended by a fault or a simulated close). */
  isOpen(): boolean;
  /** Whether we dispatched this event (an injected, released or edited message). */
  isOurs(e: Event): boolean;
  /** A message event's data, through the captured getter. */
  dataOf(e: MessageEvent): unknown;
  /**
   * Whether our message listener now runs after the app's (the socket joined late, message-transport.ts
   * `Ears`): incoming messages can then no longer be held or dropped before the app sees them.
   */
  behind(): boolean;
  /** The native `send` captured at install; throws what it throws. */
  sendNative(data: unknown): void;
  /** A message event as the browser builds one for this socket (origin, data per binaryType). */
  message(data: WsPayload): MessageEvent;
  /** Dispatches an event of ours to the app (our own listeners let it through). */
  fire(e: Event): void;
  /** Records a frame, as the capture would have, with the mark the control gives it. */
  record(dir: Direction, data: unknown, mark: FrameMark | null): void;
  /** The bytes of a base64 payload, as the socket's `send` takes them. */
  bytes(data: WsPayload): Uint8Array<ArrayBuffer>;
  /** Ends the socket for the app with this close (after an `error` when `error`), closing the real one. */
  end(code: number, reason: string, wasClean: boolean, error: boolean): void;
}

interface Breakpoint {
  pattern: string;
  re: RegExp | null;
}

interface Held {
  dir: Direction;
  /** The app's send argument (out), or the native event (in). */
  data: unknown;
  event: MessageEvent | null;
}

export interface SocketControl {
  /** Asked first for each native message: true when the app must not see it now (dropped or held). */
  incoming(e: MessageEvent): boolean;
  /** Asked for each send of the app: true when it was swallowed (blocked, paused or held). */
  outgoing(data: unknown): boolean;
  /** The mark of a message event we dispatched (injected, edited), or null. */
  markOf(e: Event): FrameMark | null;
  act(action: WsAction): void;
  /** The socket ended: held messages go with it. */
  ended(): void;
}

/** Captured when the hook loads: a page may replace the global later. */
const StringFn = String;
const PREVIEW_CHARS = 200;
const preview = (s: string): string => (s.length > PREVIEW_CHARS ? `${slice(s, 0, PREVIEW_CHARS)}…` : s);

export function createSocketControl(port: SocketPort, emitter: Pick<Emitter, 'emit'>): SocketControl {
  const conn = port.conn;
  const d = port.delivery;
  const marks = new SafeMap<Event, FrameMark>();
  let held = new SafeMap<string, Held>();
  let breakpoints = new SafeMap<Direction, Breakpoint>();
  let dropIn = false;
  /** null: sends pass; 'drop': swallowed; 'hold': kept for resume. */
  let outBlock: 'drop' | 'hold' | null = null;
  let outQueue: unknown[] = [];
  let holds = 0;
  /** Whether anything acts on messages at all: the per-message checks cost one read otherwise. */
  let active = false;
  const recompute = () => {
    active = dropIn || outBlock !== null || breakpoints.size > 0;
  };

  const note = (action: ControlAction, dir: Direction | null, holdId: string | null, detail: string | null, error: string | null) =>
    emitter.emit(conn, { type: 'control', action, dir, holdId, detail, error });

  const hits = (dir: Direction, data: unknown): boolean => {
    const bp = breakpoints.get(dir);
    // Only text frames are matched: a Blob cannot be read before the app would get it.
    if (!bp || typeof data !== 'string') return false;
    return bp.re ? matches(bp.re, data) : includes(data, bp.pattern);
  };

  /** Holds a message at its breakpoint (one hit per breakpoint: it is cleared by it). */
  const hold = (dir: Direction, data: string, event: MessageEvent | null) => {
    breakpoints.delete(dir);
    recompute();
    holds += 1;
    const holdId = `${conn}#${holds}`;
    held.set(holdId, { dir, data, event });
    note('breakpoint-hit', dir, holdId, preview(data), null);
  };

  const describe = (p: WsPayload): string => (p.binary ? `binary, base64 ${preview(p.value)}` : preview(p.value));
  const dataOf = (p: WsPayload): unknown => (p.binary ? port.bytes(p) : p.value);

  const deliver = (p: WsPayload, mark: FrameMark) => {
    const e = port.message(p);
    marks.set(e, mark);
    port.fire(e);
    marks.delete(e);
  };

  const send = (data: unknown, mark: FrameMark | null) => {
    port.sendNative(data);
    port.record('out', data, mark);
  };

  const release = (holdId: string, action: 'continue' | 'edit' | 'drop', edited: WsPayload | null) => {
    const h = held.get(holdId);
    if (!h) return note(action, null, holdId, null, `no message is held as ${holdId} (it was released already, or its socket closed)`);
    held.delete(holdId);
    if (!port.isOpen()) return note(action, h.dir, holdId, null, 'the socket is closed');
    if (h.dir === 'in') {
      if (action === 'continue' && h.event) d.redeliver(h.event);
      else if (action === 'edit' && edited) deliver(edited, 'edited');
      else port.record('in', h.data, 'dropped');
    } else if (action === 'continue') send(h.data, null);
    else if (action === 'edit' && edited) send(dataOf(edited), 'edited');
    else port.record('out', h.data, 'blocked');
    note(action, h.dir, holdId, edited ? describe(edited) : null, null);
  };

  const closed = (action: ControlAction, dir: Direction | null) => {
    if (port.isOpen()) return false;
    note(action, dir, null, null, 'the socket is not open');
    return true;
  };

  /** Refuses, with the reason, what must act on incoming messages before the app once it cannot. */
  const late = (action: ControlAction, dir: Direction) => {
    if (dir !== 'in' || !port.behind()) return false;
    note(action, dir, null, null, 'this socket joined the capture late (it opened while no panel recorded), so the app gets each message before the inspector could hold it back — reload the page with the panel open to do this');
    return true;
  };

  return {
    incoming(e) {
      if (!active || port.isOurs(e)) return false;
      const data = port.dataOf(e);
      if (dropIn) {
        port.record('in', data, 'dropped');
        return true;
      }
      if (!hits('in', data)) return false;
      hold('in', data as string, e);
      return true;
    },
    outgoing(data) {
      if (!active) return false;
      if (outBlock === 'drop') {
        port.record('out', data, 'blocked');
        return true;
      }
      if (outBlock === 'hold') {
        append(outQueue, data);
        return true;
      }
      if (!hits('out', data)) return false;
      hold('out', data as string, null);
      return true;
    },
    markOf: (e) => (marks.size > 0 ? (marks.get(e) ?? null) : null),
    act(a) {
      switch (a.kind) {
        case 'send':
          if (closed('send', 'out')) return;
          try {
            send(dataOf(a.data), 'sent');
          } catch (err) {
            return note('send', 'out', null, describe(a.data), `the socket refused it: ${StringFn(err)}`);
          }
          return note('send', 'out', null, describe(a.data), null);
        case 'inject':
          if (closed('inject', 'in')) return;
          deliver(a.data, 'injected');
          return note('inject', 'in', null, describe(a.data), null);
        case 'close':
        case 'error': {
          if (closed(a.kind, null)) return;
          const code = a.kind === 'close' ? a.code : 1006;
          const reason = a.kind === 'close' ? a.reason : '';
          note(a.kind, null, null, `${code}${reason ? ` ${reason}` : ''}, ${a.kind === 'error' || !a.wasClean ? 'not clean' : 'clean'}`, null);
          return port.end(code, reason, a.kind === 'close' && a.wasClean, a.kind === 'error');
        }
        case 'block':
          if (closed('block', a.dir) || late('block', a.dir)) return;
          if (a.dir === 'in') {
            if (a.hold) d.hold();
            else dropIn = true;
          } else outBlock = a.hold ? 'hold' : 'drop';
          recompute();
          return note('block', a.dir, null, a.hold ? 'paused: held until resumed' : 'blocked: dropped', null);
        case 'resume': {
          let released = 0;
          if (a.dir === 'in') {
            dropIn = false;
            const list = d.takeHeld();
            released = list.length;
            for (let i = 0; i < list.length; i++) d.redeliver(list[i]!);
          } else {
            const list = outQueue;
            outQueue = [];
            outBlock = null;
            released = list.length;
            if (port.isOpen()) for (let i = 0; i < list.length; i++) send(list[i], null);
          }
          recompute();
          return note('resume', a.dir, null, `${released} held message${released === 1 ? '' : 's'} released`, null);
        }
        case 'breakpoint':
          if (late('breakpoint', a.dir)) return;
          breakpoints.set(a.dir, { pattern: a.pattern, re: a.regex ? regExpOf(a.pattern) : null });
          recompute();
          return note('breakpoint', a.dir, null, `${a.regex ? 'regex ' : ''}${preview(a.pattern)}`, null);
        case 'clear-breakpoint':
          breakpoints.delete(a.dir);
          recompute();
          return note('clear-breakpoint', a.dir, null, null, null);
        case 'continue':
        case 'drop':
          return release(a.holdId, a.kind, null);
        case 'edit':
          return release(a.holdId, 'edit', a.data);
      }
    },
    ended() {
      held = new SafeMap();
      outQueue = [];
      breakpoints = new SafeMap();
      dropIn = false;
      outBlock = null;
      recompute();
    },
  };
}

/** The controls of the page's live sockets, by the hook's connection id. */
export interface WsControls {
  register(conn: string, control: SocketControl): void;
  unregister(conn: string): void;
  act(conn: string, action: WsAction): void;
}

export function createWsControls(emitter: Pick<Emitter, 'emit'>): WsControls {
  const live = new SafeMap<string, SocketControl>();
  return {
    register: (conn, control) => void live.set(conn, control),
    unregister: (conn) => void live.delete(conn),
    act(conn, action) {
      const c = live.get(conn);
      if (c) return c.act(action);
      // Folded onto the connection when it exists (a closed socket, another kind of stream).
      emitter.emit(conn, { type: 'control', action: action.kind, dir: null, holdId: null, detail: null, error: 'no open WebSocket of this page has this id (it closed, or it is not a WebSocket)' });
    },
  };
}

/** Standard base64 to bytes, by the captured `atob` and character codes. */
export function base64Bytes(value: string, atobFn: (s: string) => string, U8: Uint8ArrayConstructor): Uint8Array<ArrayBuffer> {
  const bin = atobFn(value);
  const out = new U8(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = charCodeAt(bin, i);
  return out;
}
