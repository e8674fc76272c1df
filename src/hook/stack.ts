/**
 * Keeps our frames out of the stacks the page reads. An error thrown or rejected by a native
 * call we made on the page's behalf was created with our wrapper on the call stack, so its
 * `stack` text would name our script, and with it the extension's id. Chromium keeps `stack`
 * as an own accessor pair on each error (DOMExceptions included) whose setter replaces the
 * text, so the text can be rewritten without changing the property's shape: we drop exactly
 * the lines that name our script and keep everything else, page frames above and below ours
 * included.
 *
 * Gecko keeps `stack` on `Error.prototype`: setting it there would create an own property the
 * page could see, so there we leave the text as it is.
 *
 * Known residue: frames of ours still count against `Error.stackTraceLimit`, so an error thrown
 * under a very deep page stack shows fewer page frames than without us.
 */
// Captured here rather than imported: define.ts imports this module.
const apply = Reflect.apply;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ErrorCtor = Error;
const indexOf = String.prototype.indexOf;
const slice = String.prototype.slice;

/** `chrome-extension://<id>/` or `moz-extension://<uuid>/`: read from a stack at install, before any page script runs. */
function ourScriptPrefix(): string | null {
  const text = new ErrorCtor().stack ?? '';
  const m = /(?:chrome|moz)-extension:\/\/[^/\s)]+\//.exec(text);
  return m ? m[0] : null;
}

const prefix = ourScriptPrefix();

export function hideOurFrames(err: unknown): void {
  if (prefix === null || typeof err !== 'object' || err === null) return;
  // A page with its own formatter gets V8's structured frames, ours among them: rewriting the
  // text would not hide them, and reading it now would run the page's formatter at a moment it
  // could notice.
  if (getOwnPropertyDescriptor(ErrorCtor, 'prepareStackTrace')) return;
  const d = getOwnPropertyDescriptor(err, 'stack');
  if (!d || !d.get || !d.set) return;
  const text: unknown = apply(d.get, err, []);
  if (typeof text !== 'string' || apply(indexOf, text, [prefix]) < 0) return;
  let out: string | null = null;
  for (let start = 0; start <= text.length; ) {
    let end = apply(indexOf, text, ['\n', start]) as number;
    if (end < 0) end = text.length;
    const line = apply(slice, text, [start, end]) as string;
    if ((apply(indexOf, line, [prefix]) as number) < 0) out = out === null ? line : out + '\n' + line;
    start = end + 1;
  }
  apply(d.set, err, [out ?? '']);
}
