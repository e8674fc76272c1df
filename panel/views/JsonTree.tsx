import { useState } from 'preact/hooks';
import { defaultExpanded, flattenJson } from '../logic/jsonTree';

/** Expand/collapse tree of a JSON value (keyed by the caller per value, so state resets with it). */
export function JsonTree({ value }: { value: unknown }) {
  const [expanded, setExpanded] = useState(() => defaultExpanded(value));
  const toggle = (path: string) => {
    const next = new Set(expanded);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    setExpanded(next);
  };
  const nodes = flattenJson(value, expanded);
  return (
    <div class="json-tree" role="tree" aria-label="JSON">
      {nodes.map((n) => {
        const container = n.kind === 'object' || n.kind === 'array';
        return (
          <div
            key={n.path}
            role="treeitem"
            aria-level={n.depth + 1}
            aria-expanded={container && n.childCount > 0 ? n.expanded : undefined}
            data-path={n.path}
            class={`json-node json-${n.kind}`}
            style={{ paddingLeft: `${n.depth * 14 + 4}px` }}
            onClick={container && n.childCount > 0 ? () => toggle(n.path) : undefined}
          >
            <span class="twisty">{container && n.childCount > 0 ? (n.expanded ? '▾' : '▸') : ''}</span>
            {n.key !== null && <span class="json-key">{n.key}</span>}
            {n.key !== null && <span class="json-colon">: </span>}
            <span class="json-value">{container && n.expanded ? (n.kind === 'array' ? `Array(${n.childCount})` : `Object`) : n.preview}</span>
          </div>
        );
      })}
    </div>
  );
}
