/**
 * The JSON tree of the detail pane as a flat list of visible nodes: expanding a node is adding
 * its path to a set, and rendering is a map over rows (no recursion in the view).
 */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export interface JsonNode {
  path: string;
  depth: number;
  /** Property name or array index; null for the root. */
  key: string | null;
  kind: JsonKind;
  /** One-line text: the value for primitives, a summary for containers. */
  preview: string;
  childCount: number;
  expanded: boolean;
}

export const ROOT = '$';

function kindOf(v: unknown): JsonKind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'object' ? 'object' : t === 'string' ? 'string' : t === 'number' ? 'number' : t === 'boolean' ? 'boolean' : 'null';
}

function entries(v: unknown): [string, unknown][] {
  if (Array.isArray(v)) return v.map((x, i) => [String(i), x]);
  if (typeof v === 'object' && v !== null) return Object.entries(v);
  return [];
}

export function childPath(path: string, key: string, parentIsArray: boolean): string {
  return parentIsArray ? `${path}[${key}]` : `${path}.${JSON.stringify(key)}`;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/** Short text for a value, as DevTools' console shows collapsed objects. */
export function previewOf(v: unknown, budget = 80): string {
  switch (kindOf(v)) {
    case 'string':
      return clip(JSON.stringify(v), budget);
    case 'array': {
      const a = v as unknown[];
      return `Array(${a.length})`;
    }
    case 'object': {
      const parts: string[] = [];
      let used = 2;
      for (const [k, x] of entries(v)) {
        const k2 = kindOf(x);
        const item = `${k}: ${k2 === 'object' ? '{…}' : k2 === 'array' ? '[…]' : clip(String(JSON.stringify(x)), 24)}`;
        if (used + item.length > budget) {
          parts.push('…');
          break;
        }
        parts.push(item);
        used += item.length + 2;
      }
      return `{${parts.join(', ')}}`;
    }
    default:
      return String(v);
  }
}

/** Visible nodes of `value` given the set of expanded paths; stops after `maxNodes`. */
export function flattenJson(value: unknown, expanded: ReadonlySet<string>, maxNodes = 5000): JsonNode[] {
  const out: JsonNode[] = [];
  const visit = (v: unknown, path: string, key: string | null, depth: number): void => {
    if (out.length >= maxNodes) return;
    const kind = kindOf(v);
    const kids = entries(v);
    const isOpen = (kind === 'object' || kind === 'array') && expanded.has(path);
    out.push({ path, depth, key, kind, preview: previewOf(v), childCount: kids.length, expanded: isOpen });
    if (isOpen) for (const [k, x] of kids) visit(x, childPath(path, k, kind === 'array'), k, depth + 1);
  };
  visit(value, ROOT, null, 0);
  return out;
}

/**
 * Paths opened by default: level by level, as deep as fits in about `budget` visible nodes, so
 * a small AI chunk opens down to `choices[0].delta.content` and a big document stays readable.
 */
export function defaultExpanded(value: unknown, budget = 60): Set<string> {
  const set = new Set<string>();
  let level: [unknown, string][] = [[value, ROOT]];
  let visible = 1;
  while (level.length > 0) {
    const next: [unknown, string][] = [];
    let added = 0;
    for (const [v, path] of level) {
      const kind = kindOf(v);
      if (kind !== 'object' && kind !== 'array') continue;
      const kids = entries(v);
      added += kids.length;
      for (const [k, x] of kids) next.push([x, childPath(path, k, kind === 'array')]);
    }
    if (added === 0 || (visible + added > budget && set.size > 0)) break;
    for (const [v, path] of level) if (kindOf(v) === 'object' || kindOf(v) === 'array') set.add(path);
    visible += added;
    level = next;
  }
  return set;
}

/** JSON of the raw text when it parses; undefined otherwise. */
export function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  const t = text.trim();
  if (t === '' || !'{["-0123456789tfn'.includes(t[0]!)) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}
