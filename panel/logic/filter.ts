/**
 * The connection filter, in the spirit of the Network panel's: `kind:ws protocol:openai
 * status:error -kind:fetch chat` — keyed terms, `-` negates, anything else matches the URL.
 * All terms must hold.
 */
export type FilterKey = 'kind' | 'protocol' | 'status' | 'method' | 'url';

export interface FilterTerm {
  key: FilterKey | 'text';
  value: string;
  negate: boolean;
}

const KEYS: readonly FilterKey[] = ['kind', 'protocol', 'status', 'method', 'url'];

/** What the filter looks at in a connection row. */
export interface Filterable {
  url: string;
  method: string;
  kind: string;
  kindLabel: string;
  protocol: string | null;
  protocolName: string;
  status: number | null;
  statusLabel: string;
  state: string;
  end: string | null;
}

export function parseFilter(input: string): FilterTerm[] {
  const terms: FilterTerm[] = [];
  for (const m of input.matchAll(/(-?)(?:(\w+):)?("[^"]*"?|\S+)/g)) {
    const negate = m[1] === '-';
    const rawKey = m[2]?.toLowerCase();
    let value = (m[3] ?? '').replace(/^"|"$/g, '').toLowerCase();
    let key: FilterTerm['key'] = 'text';
    if (rawKey !== undefined && (KEYS as readonly string[]).includes(rawKey)) key = rawKey as FilterKey;
    // "http://x" is a URL fragment, not an unknown key: keep the whole token as text.
    else if (rawKey !== undefined) value = `${rawKey}:${value}`;
    // A key being typed ("kind:") filters nothing yet.
    if (value === '' || (key === 'text' && (KEYS as readonly string[]).includes(value.replace(/:$/, '')) && value.endsWith(':'))) continue;
    terms.push({ key, value, negate });
  }
  return terms;
}

const KIND_ALIASES: Record<string, string[]> = {
  websocket: ['websocket', 'ws'],
  eventsource: ['eventsource', 'es', 'sse'],
  fetch: ['fetch'],
  xhr: ['xhr'],
};

function kindMatches(r: Filterable, v: string): boolean {
  const words = [...(KIND_ALIASES[r.kind] ?? [r.kind]), r.kindLabel.toLowerCase(), ...r.kindLabel.toLowerCase().split('-')];
  return words.some((w) => w === v) || r.kindLabel.toLowerCase().includes(v);
}

function statusMatches(r: Filterable, v: string): boolean {
  if (/^\d+$/.test(v)) return r.status !== null && String(r.status).startsWith(v);
  switch (v) {
    case 'error':
    case 'failed':
      return r.end === 'network-error' || (r.status !== null && r.status >= 400);
    case 'abort':
    case 'aborted':
      return r.end === 'client-abort';
    case 'live':
    case 'open':
    case 'pending':
      return r.state !== 'ended';
    case 'ended':
    case 'done':
      return r.state === 'ended';
    case 'clean':
      return r.end === 'clean';
    default:
      return r.statusLabel.toLowerCase().includes(v) || (r.end ?? '').includes(v);
  }
}

function termMatches(r: Filterable, t: FilterTerm): boolean {
  switch (t.key) {
    case 'kind':
      return kindMatches(r, t.value);
    case 'protocol':
      return (r.protocol ?? '').includes(t.value) || r.protocolName.toLowerCase().includes(t.value);
    case 'status':
      return statusMatches(r, t.value);
    case 'method':
      return r.method.toLowerCase() === t.value;
    case 'url':
    case 'text':
      return r.url.toLowerCase().includes(t.value);
  }
}

export function matchesFilter(r: Filterable, terms: readonly FilterTerm[]): boolean {
  return terms.every((t) => termMatches(r, t) !== t.negate);
}
