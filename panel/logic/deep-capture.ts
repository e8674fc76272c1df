/**
 * What the panel says about deep capture (the debugger reading the tab's workers' streams):
 * the switch's note, and the line that marks a connection read that way.
 */
import type { DeepCaptureState } from '../../src/protocol/panel';
import type { DeepOrigin, WorkerType } from '../../src/core/trace/records';

export const DEBUGGING_BANNER = 'Chrome shows "started debugging this browser" while deep capture is on; close it or turn deep capture off to stop.';

const WORKER_LABELS: Record<WorkerType, string> = { worker: 'dedicated worker', shared_worker: 'shared worker', service_worker: 'service worker' };

export function workerLabel(type: WorkerType): string {
  return WORKER_LABELS[type];
}

/** The note beside the switch: why it cannot run, what it costs while on, or why it went off. */
export function deepCaptureNote(state: DeepCaptureState): string {
  if (state.unavailable) return `Deep capture is unavailable: ${state.unavailable}`;
  if (state.on) {
    const n = state.workers.length;
    return `${DEBUGGING_BANNER} Reading ${n} worker${n === 1 ? '' : 's'}.`;
  }
  if (state.offReason) return `Deep capture is off: ${state.offReason}`;
  return `Deep capture reads the streams of this tab's workers through the browser's debugger. ${DEBUGGING_BANNER}`;
}

/** The connection's origin line in its detail and badge title. */
export function deepOriginLine(d: DeepOrigin): string {
  return `Opened by a ${workerLabel(d.workerType)} (${d.workerUrl}), read via deep capture`;
}
