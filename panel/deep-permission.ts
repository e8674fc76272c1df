/**
 * The debugger permission, asked for in the user's click (Chrome wants a user gesture for
 * `permissions.request`). In the deep-capture build it is granted at install, so the request
 * resolves at once; no other build offers the switch (see src/background/deep-availability.ts).
 */
export function requestDebuggerPermission(): Promise<boolean> {
  const permissions = (globalThis as { chrome?: { permissions?: { request(p: { permissions: string[] }): Promise<boolean> } } }).chrome?.permissions;
  if (!permissions) return Promise.reject(new Error('this page has no permissions API (it is not the extension\'s panel)'));
  return permissions.request({ permissions: ['debugger'] });
}
