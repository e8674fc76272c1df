/**
 * The hook's outbox: stamps records and posts them to the relay in batches.
 *
 * Everything it needs from the page's globals is captured when the hook installs, at
 * document_start, before any page script runs: a page that later replaces `MessagePort`'s
 * methods or `setTimeout` cannot intercept or break our channel (see channel.ts).
 */
import { LIMITS, hookCommands, hookToRelay, type HookCommand } from '../protocol/page';
import { openChannel } from './channel';
import type { CaptureRecord } from '../core/trace/records';
import { apply } from './define';
import { append } from '../core/builtins';
import { safely } from './safely';
import { internalErrors } from './internal-errors';

/** Distributes `Omit` over a union, so each record type keeps its own fields. */
type WithoutStamp<R> = R extends unknown ? Omit<R, 'conn' | 'time'> : never;
export type RecordBody = WithoutStamp<CaptureRecord>;

export interface Emitter {
  /** Whether the panel (or a "record from page load" setting) wants data from this page. */
  readonly recording: () => boolean;
  newConnId(): string;
  now(): number;
  emit(conn: string, body: RecordBody, time?: number): void;
  /** Other commands from the extension (faults) go to this listener. */
  onCommand(listener: (cmd: Exclude<HookCommand, { type: 'set-recording' }>) => void): void;
}

const FLUSH_DELAY_MS = 10;
/**
 * Until the extension says whether this tab records, the hook keeps what it captures in a
 * bounded buffer: a page's first stream often starts before the answer arrives, and a panel
 * that is open across a reload must not miss it. No answer in time means nobody is listening
 * (e.g. the extension was reloaded): the hook goes dormant and drops the buffer.
 */
const PENDING_LIMIT = 5000;
const PENDING_TIMEOUT_MS = 3000;

type Mode = 'pending' | 'recording' | 'dormant';

export function createEmitter(win: Window & typeof globalThis): Emitter {
  const channel = openChannel(win);
  const setTimeoutFn = win.setTimeout;
  const perf = win.performance;
  const perfNow = perf.now;
  const origin = perf.timeOrigin;
  const prefix = Array.from(win.crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('');

  let queue: CaptureRecord[] = [];
  let scheduled = false;
  let counter = 0;
  let mode: Mode = 'pending';
  /** Records of already-tracked connections dropped while dormant: reported when recording resumes. */
  let missed = 0;
  let everRecorded = false;
  let commandListener: ((cmd: Exclude<HookCommand, { type: 'set-recording' }>) => void) | null = null;

  /** Set while a batch is posted: an error recorded by the post itself must not schedule another. */
  let flushing = false;

  /** `hello`: send even an empty batch, so the relay pins this hook's id at once. */
  const flush = (hello = false): void => {
    scheduled = false;
    if (mode !== 'recording') return;
    // Our own failures ride with the records (counts since the last batch), not in a channel of their own.
    const errors = internalErrors.pending() ? internalErrors.take() : null;
    if (queue.length === 0 && !hello && !errors?.length) return;
    const records = queue;
    queue = [];
    const batch = hookToRelay.make('capture', { hook: prefix, records, ...(errors?.length ? { errors } : {}) });
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
          if (cmd.type !== 'set-recording') {
            commandListener?.(cmd);
            return;
          }
          const was = mode;
          mode = cmd.recording ? 'recording' : 'dormant';
          if (mode === 'recording') {
            if (was === 'dormant' && missed > 0) {
              append(queue, { type: 'page', conn: 'page', time: now(), signal: 'capture-paused', detail: `${missed} records of streams already open were not captured while nothing was recording` } as CaptureRecord);
              missed = 0;
            }
            everRecorded = true;
            flush(true);
          } else queue = [];
        }, 'hook:emit'),
  );
  apply(setTimeoutFn, win, [
    () => {
      if (mode !== 'pending') return;
      mode = 'dormant';
      queue = [];
    },
    PENDING_TIMEOUT_MS,
  ]);

  const now = (): number => origin + (apply(perfNow, perf, []) as number);

  return {
    // While pending, new connections are still wrapped so that their start is not missed.
    recording: () => mode !== 'dormant',
    newConnId: () => `${prefix}-${(counter += 1)}`,
    onCommand(listener) {
      commandListener = listener;
    },
    now,
    emit(conn, body, time = now()) {
      if (mode === 'dormant') {
        if (everRecorded) missed += 1;
        return;
      }
      if (mode === 'pending' && queue.length >= PENDING_LIMIT) return;
      // Not push, nor an index assignment: see core/builtins.ts.
      append(queue, { ...body, conn, time } as CaptureRecord);
      if (mode === 'pending') return;
      if (queue.length >= LIMITS.recordsPerBatch) flush();
      else schedule();
    },
  };
}
