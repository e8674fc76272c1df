/**
 * Playwright sends a page function to the page as its source text. tsx (the CLI's runner)
 * compiles with esbuild's keepNames, which wraps inner functions in `__name(fn, "name")` calls
 * the page has no definition for. This wraps the source with a stand-in, so a self-contained
 * function (no imports, no closures over module scope) runs in the page exactly as written.
 */
export function inPage<A, R>(fn: (arg: A) => R): (arg: A) => R {
  return new Function('arg', `const __name = (f) => f;\nreturn (${fn.toString()})(arg);`) as (arg: A) => R;
}
