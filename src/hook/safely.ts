/**
 * Runs our own code so that nothing it throws can reach the page: an exception escaping a
 * wrapper or an event listener of ours would surface in the app's `window.onerror`, break its
 * promise chains, or change what it sees. Errors are not rethrown but counted per `where`
 * (internal-errors.ts), and the emitter sends the counts with its next batch, so a bug in the
 * hook shows up in the panel instead of in the user's app.
 */
import { internalErrors } from './internal-errors';

/** `where` names the place in our code, e.g. 'hook:fetch' (see InternalErrorReport). */
export function safely<T>(fn: () => T, where = 'hook'): T | undefined {
  try {
    return fn();
  } catch (err) {
    internalErrors.record(where, err);
    return undefined;
  }
}
