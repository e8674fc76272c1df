/**
 * Runs our own code so that nothing it throws can reach the page: an exception escaping a
 * wrapper or an event listener of ours would surface in the app's `window.onerror`, break its
 * promise chains, or change what it sees. Errors are counted, not rethrown, so a bug in the
 * hook shows up in the panel instead of in the user's app.
 */
let failures = 0;

export function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    failures += 1;
    return undefined;
  }
}

export function hookFailures(): number {
  return failures;
}
