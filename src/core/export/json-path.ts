/**
 * A small JSONPath subset for redaction rules: `$`, `.name`, `['name']`, `[3]`, `[*]`, `.*`
 * and `..name` (any depth). Enough to say `$.user.email`, `$.messages[*].content` or
 * `$..password` without a dependency; anything else is rejected when the rule is compiled so a
 * typo cannot silently redact nothing.
 */

export type PathSegment = { key: string } | { index: number } | { wild: true } | { deep: string };

export function compileJsonPath(path: string): PathSegment[] | null {
  if (!path.startsWith('$')) return null;
  const segs: PathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    let m: RegExpMatchArray | null;
    if ((m = rest.match(/^\.\.([A-Za-z_$][\w$-]*)/))) segs.push({ deep: m[1]! });
    else if ((m = rest.match(/^\.\*/))) segs.push({ wild: true });
    else if ((m = rest.match(/^\.([A-Za-z_$][\w$-]*)/))) segs.push({ key: m[1]! });
    else if ((m = rest.match(/^\[\*\]/))) segs.push({ wild: true });
    else if ((m = rest.match(/^\[(\d+)\]/))) segs.push({ index: Number(m[1]) });
    else if ((m = rest.match(/^\[(['"])((?:(?!\1).)*)\1\]/))) segs.push({ key: m[2]! });
    else return null;
    i += m[0].length;
  }
  return segs;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Replaces every value the path selects with `replacement`, in place (callers pass a freshly
 * parsed copy). Returns how many values were replaced. The root itself is never replaced.
 */
export function replaceAtPath(root: unknown, segs: readonly PathSegment[], replacement: unknown): number {
  if (segs.length === 0) return 0;
  let count = 0;
  const visit = (node: unknown, at: number): void => {
    const seg = segs[at]!;
    const last = at === segs.length - 1;
    const hit = (container: Record<string, unknown> | unknown[], k: string | number): void => {
      if (last) {
        (container as Record<string | number, unknown>)[k] = replacement;
        count++;
      } else visit((container as Record<string | number, unknown>)[k], at + 1);
    };
    if ('key' in seg) {
      if (isObj(node) && Object.hasOwn(node, seg.key)) hit(node, seg.key);
    } else if ('index' in seg) {
      if (Array.isArray(node) && seg.index < node.length) hit(node, seg.index);
    } else if ('wild' in seg) {
      if (Array.isArray(node)) for (let k = 0; k < node.length; k++) hit(node, k);
      else if (isObj(node)) for (const k of Object.keys(node)) hit(node, k);
    } else {
      // `..name`: the key at this level, then the same segment at every level below.
      const walk = (n: unknown): void => {
        if (Array.isArray(n)) n.forEach(walk);
        else if (isObj(n)) {
          for (const k of Object.keys(n)) {
            if (k === seg.deep) hit(n, k);
            else walk(n[k]);
          }
        }
      };
      walk(node);
    }
  };
  visit(root, 0);
  return count;
}
