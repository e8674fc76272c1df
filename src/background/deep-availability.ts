/**
 * Why deep capture cannot run in this browser and build, for the panel's switch; null when it can.
 *
 * Chromium does not let `debugger` be an optional permission: it marks it "cannot be optional"
 * (chrome/common/extensions/permissions/chrome_api_permissions.cc, kFlagCannotBeOptional), drops
 * it from `optional_permissions` with the install warning "Permission 'debugger' cannot be listed
 * as optional", and `chrome.permissions.request` then refuses it ("Only permissions specified in
 * the manifest may be requested"). So the store build, which asks for `storage` only, cannot
 * turn it on at run time; the deep-capture build (dist/chrome-deep) asks for `debugger` at
 * install. Firefox has no `debugger` API for extensions at all.
 */
export function deepCaptureUnavailable(hasDebuggerApi: boolean, manifest: { permissions?: string[]; browser_specific_settings?: unknown }): string | null {
  if (manifest.browser_specific_settings !== undefined) return 'Firefox has no debugger API for extensions, so streams inside workers cannot be captured here.';
  if (!(manifest.permissions ?? []).includes('debugger')) return 'This build asks for the storage permission only, and Chrome does not let an extension ask for the debugger permission later. Install the deep-capture build (dist/chrome-deep) to read workers\' streams.';
  if (!hasDebuggerApi) return 'The debugger API is missing although the build asks for it: this browser does not offer it to extensions.';
  return null;
}
