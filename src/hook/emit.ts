/**
 * The hook's outbox: stamps records and posts them to the relay in batches.
 *
 * Everything it needs from the page's globals is captured when the hook installs, at
 * document_start, before any page script runs: a page that later replaces `MessagePort`'s
 * methods or `setTimeout` cannot intercept or break our channel (see channel.ts).
 */
import { LIMITS, hookCommands, hookToRelay, type HookCommand } from '../protocol/page';
import { openChannel } from './channel';
import type { CaptureRecord, Direction, FrameMark } from '../core/trace/records';
import { apply } from './define';
import { copyBytes, lengthOf, SafeMap } from '../core/builtins';
import { createBatchWriter } from '../core/trace/frame-columns';
import { bytesToBase64 } from './encode';
import { safely } from './safely';
import { internalErrors } from './internal-errors';
import { createLateJoin, LATE_FRAMES_PER_CONNECTION } from './late-join';

/** Distributes `Omit` over a union, so each record type keeps its own fields. */
type WithoutStamp<R> = R extends unknown ? Omit<R, 'conn' | 'time'> : never;
export type RecordBody = WithoutStamp<CaptureRecord>;

export interface Emitter {
  /**
   * Whether to track a connection opened now: always while recording or pending, and while
   * dormant as long as the late-join registry has room (late-join.ts), so that a connection
   * opened before the panel can join the capture when it opens.
   */
  readonly tracks: () => boolean;
  /** What the extension last said (pending until it answers): for tests of the hand-over between modes. */
  readonly mode: () => Mode;
  newConnId(): string;
  now(): number;
  emit(conn: string, body: RecordBody, time?: number): void;
  /**
   * A data frame: `text`, or `bytes` (a view the page may still change; null when the frame is
   * too large to keep its bytes) and the payload's size in bytes. While dormant no record is
   * built: the late-join buffer keeps the fields (a copy of the bytes) and the record, base64
   * and all, is made only when recording starts.
   */
  data(conn: string, dir: Direction, text: string | null, bytes: Uint8Array | null, size: number, event: string | null, id: string | null, time?: number, mark?: FrameMark): void;
  /**
   * While dormant, a connection's message listeners were removed (late-join.ts,
   * LATE_FRAMES_PER_CONNECTION): its join will say so, and `wake` (which adds them back) runs
   * when recording begins, before what the late join kept is posted.
   */
  stoppedHearing(conn: string, wake: () => void): void;
  /** Other commands from the extension (faults) go to this listener. */
  onCommand(listener: (cmd: Exclude<HookCommand, { type: 'set-recording' | 'flush' }>) => void): void;
}

const FLUSH_DELAY_MS = 10;
/**
 * Until the extension says whether this tab records, the hook keeps what it captures in a
 * bounded buffer: a page's first stream often starts before the answer arrives, and a panel
 * that is open across a reload must not miss it. No answer in time means nobody is listening
 * (e.g. the extension was reloaded): the hook goes dormant, and what it buffered of connections
 * still open moves to the late-join buffer.
 */
const PENDING_LIMIT = 5000;
const PENDING_TIMEOUT_MS = 3000;

export type Mode = 'pending' | 'recording' | 'dormant';

export function createEmitter(win: Window & typeof globalThis): Emitter {
  const channel = openChannel(win);
  const setTimeoutFn = win.setTimeout;
  const btoaFn = win.btoa;
  const encode = (bytes: Uint8Array): string => bytesToBase64(bytes, (s) => apply(btoaFn, win, [s]) as string);
  const perf = win.performance;
  const perfNow = perf.now;
  const origin = perf.timeOrigin;
  const prefix = Array.from(win.crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('');

  // Appended to once per captured message. While recording, data frames are held as columns
  // (frame-columns.ts): no object per message is built, cloned or rebuilt in the page.
  const queue = createBatchWriter();
  let scheduled = false;
  let counter = 0;
  let mode: Mode = 'pending';
  /** Records dropped while dormant that no connection's late join accounts for: reported when recording resumes. */
  let missed = 0;
  const late = createLateJoin();
  /** The `wake` of each connection that stopped hearing while dormant and has not ended. */
  let sleepers = new SafeMap<string, () => void>();
  /** Dormant: keeps what the late-join buffer takes, counts the rest. */
  const keepLate = (r: CaptureRecord): void => {
    if (!late.keep(r) && everRecorded) missed += 1;
  };
  const dropPending = (): void => {
    const pending = queue.drain();
    for (let i = 0; i < pending.length; i++) keepLate(pending[i]!);
  };
  let everRecorded = false;
  let commandListener: ((cmd: Exclude<HookCommand, { type: 'set-recording' | 'flush' }>) => void) | null = null;

  /** Set while a batch is posted: an error recorded by the post itself must not schedule another. */
  let flushing = false;

  /**
   * `hello`: send even an empty batch, so the relay pins this hook's id at once. `flushed`: the
   * relay's flush token, answered by a batch even when nothing is queued or nothing records.
   */
  const flush = (hello = false, flushed?: number): void => {
    scheduled = false;
    const answer = flushed === undefined ? {} : { flushed };
    if (mode !== 'recording') {
      if (flushed !== undefined) safely(() => channel.post(hookToRelay.make('capture', { hook: prefix, records: [], ...answer })), 'hook:emit');
      return;
    }
    // Our own failures ride with the records (counts since the last batch), not in a channel of their own.
    const errors = internalErrors.pending() ? internalErrors.take() : null;
    if (queue.length === 0 && !hello && !errors?.length && flushed === undefined) return;
    const { records, frames } = queue.take();
    const batch = hookToRelay.make('capture', { hook: prefix, records, ...(frames ? { frames } : {}), ...(errors?.length ? { errors } : {}), ...answer });
    flushing = true;
    safely(() => channel.post(batch), 'hook:emit');
    flushing = false;
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    apply(setTimeoutFn, win, [() => flush(), FLUSH_DELAY_MS]);
  };
  // A failure of ours seen while recording reaches the panel soon even if no record follows it.
  internalErrors.onRecorded(() => {
    if (mode === 'recording' && !flushing) schedule();
  });

  channel.onMessage((data) =>
        safely(() => {
          const cmd = hookCommands.parse(data);
          if (!cmd) return;
          if (cmd.type === 'flush') return flush(false, cmd.token);
          if (cmd.type !== 'set-recording') {
            commandListener?.(cmd);
            return;
          }
          const was = mode;
          mode = cmd.recording ? 'recording' : 'dormant';
          if (mode === 'recording') {
            if (was === 'dormant') {
              const woken = sleepers.values();
              sleepers = new SafeMap();
              for (let i = 0; i < woken.length; i++) safely(woken[i]!, 'hook:emit');
              // Connections opened or still streaming while nothing recorded join now, with what
              // the buffer kept of them (one batch: late-join.ts bounds it to fit).
              const joined = late.drain(encode);
              const lost = missed + joined.missedFrames;
              if (lost > 0 || joined.uncountedConnections > 0) {
                const unheard = joined.uncountedConnections > 0 ? `${lost > 0 ? '; and ' : ''}frames of ${joined.uncountedConnections} streams already open were neither captured nor counted after their first ${LATE_FRAMES_PER_CONNECTION}` : '';
                const detail = `${lost > 0 ? `${lost} records of streams already open were not captured` : ''}${unheard} while nothing was recording`;
                queue.record({ type: 'page', conn: 'page', time: now(), signal: 'capture-paused', detail } as CaptureRecord);
              }
              missed = 0;
              for (let i = 0; i < joined.records.length; i++) queue.record(joined.records[i]!);
            } else if (was === 'pending') {
              // While pending every record is an object (see `data`): the registry learns of them now.
              const pending = queue.drain();
              for (let i = 0; i < pending.length; i++) {
                late.posted(pending[i]!);
                queue.record(pending[i]!);
              }
            }
            everRecorded = true;
            flush(true);
          } else dropPending();
        }, 'hook:emit'),
  );
  apply(setTimeoutFn, win, [
    () => {
      if (mode !== 'pending') return;
      mode = 'dormant';
      dropPending();
    },
    PENDING_TIMEOUT_MS,
  ]);

  const now = (): number => origin + (apply(perfNow, perf, []) as number);

  const emit = (conn: string, body: RecordBody, time = now()): void => {
    const record = { ...body, conn, time } as CaptureRecord;
    if (mode === 'dormant') {
      if (record.type === 'end') sleepers.delete(conn);
      return keepLate(record);
    }
    if (mode === 'pending' && queue.length >= PENDING_LIMIT) return;
    queue.record(record);
    if (mode === 'pending') return;
    late.posted(record);
    queued();
  };
  const queued = (): void => {
    if (queue.length >= LIMITS.recordsPerBatch) flush();
    else schedule();
  };

  return {
    tracks: () => mode !== 'dormant' || late.hasRoom(),
    mode: () => mode,
    newConnId: () => `${prefix}-${(counter += 1)}`,
    onCommand(listener) {
      commandListener = listener;
    },
    stoppedHearing(conn, wake) {
      late.stoppedHearing(conn);
      sleepers.set(conn, wake);
    },
    now,
    emit,
    data(conn, dir, text, bytes, size, event, id, time = now(), mark) {
      if (mode === 'dormant') {
        const own = bytes ? copyBytes(bytes, 0, lengthOf(bytes)) : null;
        if (!late.keepData(conn, dir, text, own, size, event, id, time) && everRecorded) missed += 1;
        return;
      }
      const base64 = bytes ? encode(bytes) : null;
      if (mode === 'recording' && !mark) {
        // The common case: a frame's fields go to the batch's columns, no record is built.
        queue.frame(conn, time, dir, text, base64, size, event, id);
        return queued();
      }
      // Only frames the WebSocket control touched carry a mark (a literal: no setter on Object.prototype runs).
      emit(conn, mark ? { type: 'data', dir, text, base64, size, event, id, mark } : { type: 'data', dir, text, base64, size, event, id }, time);
    },
  };
}
