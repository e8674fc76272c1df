/**
 * The hook's outbox: stamps records and posts them to the relay in batches.
 *
 * Everything it needs from the page's globals is captured when the hook installs, at
 * document_start, before any page script runs: a page that later replaces `dispatchEvent`,
 * `CustomEvent` or `setTimeout` cannot intercept or break our channel.
 */
import { HOOK_TO_RELAY_EVENT, LIMITS, RELAY_TO_HOOK_EVENT, isCommandToHook, message, type HookCaptureBatch } from '../messages';
import type { CaptureRecord } from '../core/trace/records';
import { safely } from './safely';

/** Distributes `Omit` over a union, so each record type keeps its own fields. */
type WithoutStamp<R> = R extends unknown ? Omit<R, 'conn' | 'time'> : never;
export type RecordBody = WithoutStamp<CaptureRecord>;

export interface Emitter {
  /** Whether the panel (or a "record from page load" setting) wants data from this page. */
  readonly recording: () => boolean;
  newConnId(): string;
  now(): number;
  emit(conn: string, body: RecordBody, time?: number): void;
}

const FLUSH_DELAY_MS = 10;

export function createEmitter(win: Window & typeof globalThis): Emitter {
  const dispatchEvent = win.EventTarget.prototype.dispatchEvent;
  const addEventListener = win.EventTarget.prototype.addEventListener;
  const CustomEventCtor = win.CustomEvent;
  const setTimeoutFn = win.setTimeout;
  const perf = win.performance;
  const perfNow = perf.now;
  const origin = perf.timeOrigin;
  const prefix = Array.from(win.crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('');

  let queue: CaptureRecord[] = [];
  let scheduled = false;
  let counter = 0;
  // Until issue "dormant when unwatched" lands the hook records from page load on.
  let recording = true;

  const flush = (): void => {
    scheduled = false;
    if (queue.length === 0) return;
    const records = queue;
    queue = [];
    const detail: HookCaptureBatch = message<HookCaptureBatch>({ type: 'capture', records });
    safely(() => Reflect.apply(dispatchEvent, win, [new CustomEventCtor(HOOK_TO_RELAY_EVENT, { detail })]));
  };

  safely(() =>
    Reflect.apply(addEventListener, win, [
      RELAY_TO_HOOK_EVENT,
      (e: Event) =>
        safely(() => {
          const cmd = (e as CustomEvent<unknown>).detail;
          if (isCommandToHook(cmd)) recording = cmd.recording;
        }),
    ]),
  );

  const now = (): number => origin + Reflect.apply(perfNow, perf, []);

  return {
    recording: () => recording,
    newConnId: () => `${prefix}-${(counter += 1)}`,
    now,
    emit(conn, body, time = now()) {
      if (!recording) return;
      queue.push({ ...body, conn, time } as CaptureRecord);
      if (queue.length >= LIMITS.recordsPerBatch) flush();
      else if (!scheduled) {
        scheduled = true;
        Reflect.apply(setTimeoutFn, win, [flush, FLUSH_DELAY_MS]);
      }
    },
  };
}
