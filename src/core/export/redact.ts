/**
 * Redaction of secrets before a trace leaves the browser. On by default in every export: a
 * trace is made to be shared (bug reports, vendors), and AI apps carry API keys in headers,
 * URLs and sometimes bodies.
 *
 * Rules, and why:
 * - Headers: credentials by name (Authorization, Cookie, API-key headers…) and any name with a
 *   `api-key`/`apikey`/`token`/`secret`/`session` segment — except names whose last segment is
 *   `id` (`Mcp-Session-Id`, `X-Session-Id`, `X-Token-Id`): those are correlation ids the
 *   diagnosis needs to link tabs and resumes, and they identify a session rather than
 *   authenticate it. `Authorization` keeps its scheme ("Bearer [REDACTED]") so a reader can
 *   still see how the app authenticates.
 * - URLs: key/token/signature query (and fragment) parameters, and URL passwords; applied to
 *   connection, session and page URLs and to Referer/Location-style headers.
 * - Bodies and event payloads: JSON keys that name a credential (`api_key`, `password`,
 *   `access_token`…, but not a bare `token`, which streaming APIs use for generated text); and
 *   the configured JSON paths.
 * - By shape, in bodies, payloads, header values and URL query values alike: `Bearer …`, JWTs
 *   (three base64url parts, the first a JSON header with `alg`), and provider keys by prefix and
 *   realistic length: `sk-…`/`sk-ant-…`/`sk-proj-…`, Stripe `sk_live_…`, Google `AIza…`, Slack
 *   `xox…-`, GitHub `ghp_…`/`github_pat_…`, AWS `AKIA…`.
 * - High-entropy values, only under a name with a secret word (`token`, `secret`, `key`, `auth`,
 *   `code`, `sig`…, not ending in `id`): a JSON key, a query parameter or a header. A value
 *   counts when it is 20+ characters of a token alphabet (base64, base64url, hex), mixes
 *   letters and digits, and is random-looking: hex of 32+ characters with ≥ 3 bits of entropy
 *   per character, or any other with ≥ 3.5 bits and letters/digits/case alternating at ≥ 30 %
 *   of positions (random base62 does ~60 %). Words, codes (`ERR_STREAM_CLOSED`), slugs
 *   (`conversation-2024-summary`) fail that; UUIDs and content hashes under names that are not
 *   secret (`conversation_id`, `sha256`, `ETag`) are never looked at: the analysis needs them.
 * - A session's correlation ids: one whose value was redacted anywhere is redacted too.
 *   JSON rules apply to a payload that is one JSON value, or line by line to `data: {…}` SSE
 *   lines and NDJSON lines; JSON split across two chunks is only covered by the text patterns.
 * - Page text (the session's view samples): user content like a body, so the body rules apply;
 *   a text the JSON rules lengthened is cut back to the per-sample bound, keeping its end.
 * Sizes stay as captured: they describe what went over the wire.
 */
import type { Mock } from '../mock/model';
import type { Header } from '../trace/records';
import { compileJsonPath, replaceAtPath, type PathSegment } from './json-path';
import type { ViewSample } from '../view/sample';
import type { TraceConnectionV1, TraceEventV1, TraceFileV1, TraceSessionV1 } from './trace-format';
import { clipViewText } from './trace-view';

export const REDACTED = '[REDACTED]';
/** In URLs the marker must survive as a query value unencoded. */
export const REDACTED_URL_VALUE = 'REDACTED';

export type RedactionLocation = 'request-header' | 'response-header' | 'url' | 'body' | 'event' | 'evidence' | 'view';

export interface RedactionHit {
  /** Empty for session- or page-level values (a session URL, the page URL). */
  connectionId: string;
  location: RedactionLocation;
  /** Header or parameter name, or the rule that matched in a body (`bearer`, `$.user.email`). */
  name: string;
  count: number;
}

export interface RedactionReport {
  rules: string[];
  count: number;
  where: RedactionHit[];
}

export interface RedactionConfig {
  /** JSON paths redacted in request bodies and JSON event payloads, e.g. `$.user.email`. */
  jsonPaths?: string[];
  /** More header names to redact (case-insensitive). */
  extraHeaders?: string[];
  /** Header names never to redact, overriding the pattern (e.g. a harmless `x-session-mode`). */
  keepHeaders?: string[];
  /** More query parameter names to redact. */
  extraQueryParams?: string[];
}

export const SECRET_HEADERS: readonly string[] = [
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'openai-api-key', 'anthropic-api-key', 'x-goog-api-key',
];
export const SECRET_HEADER_PATTERN = /(^|-)(api-?key|access-?key|private-?key|token|secret|session|password|passwd|credentials?)($|-)/i;
/** Correlation ids: the last segment is `id`. */
const CORRELATION_HEADER = /-id$/i;
export const SECRET_QUERY_PARAMS: readonly string[] = [
  'key', 'api_key', 'apikey', 'api-key', 'token', 'access_token', 'refresh_token', 'id_token', 'auth', 'sig', 'signature', 'client_secret', 'password', 'x-goog-api-key',
  'access-token', 'accesstoken', 'auth_token', 'session_token', 'sessionid', 'jsessionid', 'phpsessid', 'private_token', 'private-token', 'code', 'secret', 'passwd',
  'x-amz-signature', 'x-amz-credential', 'x-amz-security-token',
];
/**
 * Spelled exactly so, a correlation id rather than a login: `sessionId` is how MCP's SSE
 * transport names its session in the URL (the `Mcp-Session-Id` of the streamable transport),
 * while `sessionid`/`JSESSIONID` carry a web framework's login session.
 */
const CORRELATION_PARAMS = new Set(['sessionId']);
const URL_HEADERS = new Set(['referer', 'location', 'content-location', 'origin']);
const SECRET_JSON_KEY = /^(api[-_]?key|x[-_]api[-_]key|access[-_]?token|refresh[-_]?token|id[-_]?token|auth[-_]?token|session[-_]?token|private[-_]?(?:key|token)|access[-_]?key|client[-_]?secret|secret[-_]?key|password|passwd|secret|authorization|jwt)$/i;

/** `$1` in `replace` is the marker (`[REDACTED]`, or `REDACTED` inside a URL). */
const TEXT_PATTERNS: { name: string; re: RegExp; replace: string; check?: (m: string) => boolean }[] = [
  { name: 'bearer', re: /\bBearer\s+(?!\[?REDACTED\]?)[A-Za-z0-9\-._~+/]{8,}=*/g, replace: 'Bearer $1' },
  { name: 'jwt', re: /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g, replace: '$1', check: isJwt },
  // A 16-character run without a dash is what tells a key from prose like `sk-learn-compatible`.
  { name: 'sk-key', re: /\bsk-(?=[A-Za-z0-9_-]*?[A-Za-z0-9_]{16})[A-Za-z0-9_-]+/g, replace: 'sk-$1' },
  { name: 'stripe-key', re: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g, replace: '$1' },
  { name: 'google-api-key', re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, replace: '$1' },
  { name: 'slack-token', re: /\bxox[abeoprs]-[A-Za-z0-9-]{10,}/g, replace: '$1' },
  { name: 'github-token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{36,})/g, replace: '$1' },
  { name: 'aws-access-key-id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: '$1' },
];

function base64urlJson(part: string): unknown {
  try {
    const bin = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)))) as unknown;
  } catch {
    return undefined;
  }
}

/** Three base64url parts, the first a JOSE header: a JSON object naming its algorithm. */
function isJwt(token: string): boolean {
  const header = base64urlJson(token.slice(0, token.indexOf('.')));
  return typeof header === 'object' && header !== null && typeof (header as Record<string, unknown>).alg === 'string';
}

const SECRET_WORDS = new Set(['token', 'secret', 'key', 'apikey', 'password', 'passwd', 'pwd', 'auth', 'credential', 'credentials', 'signature', 'sig', 'session', 'sid', 'code', 'private', 'cookie', 'jwt', 'bearer', 'otp']);
/** A last word that makes the name describe a secret rather than hold one (`session_id`, `token_count`). */
const NOT_A_SECRET_LAST = new Set(['id', 'ids', 'count', 'type', 'name', 'names', 'length', 'kind', 'mode', 'index', 'limit', 'usage', 'used', 'expires', 'expiry', 'at']);

/** Keys that are not keys to anything: `Idempotency-Key`, `public_key`, `cacheKey`, `sort_key`. */
const NOT_SECRET_KEYS = new Set(['idempotency', 'public', 'primary', 'partition', 'sort', 'cache', 'dedup', 'dedupe', 'row', 'foreign', 'storage']);

/** Whether a field, parameter or header name says it holds a secret: `refreshKey`, `auth_code`, `X-Signature`. */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.replace(/^(sig)v?\d+$/, '$1'));
  if (words.length === 0 || NOT_A_SECRET_LAST.has(words[words.length - 1]!) || words.some((w) => NOT_SECRET_KEYS.has(w))) return false;
  return words.some((w) => SECRET_WORDS.has(w));
}

function entropyBits(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** A value that looks generated rather than written: the thresholds are explained at the top. */
export function isHighEntropy(v: string): boolean {
  if (v.length < 20 || v.length > 4096 || !/^[A-Za-z0-9+/=_-]+$/.test(v) || !/[0-9]/.test(v) || !/[A-Za-z]/.test(v)) return false;
  if (/^[0-9a-f]+$/i.test(v)) return v.length >= 32 && entropyBits(v) >= 3;
  if (entropyBits(v) < 3.5) return false;
  const alnum = v.replace(/[^A-Za-z0-9]/g, '');
  const cls = (ch: string) => (ch >= 'a' && ch <= 'z' ? 0 : ch >= 'A' && ch <= 'Z' ? 1 : 2);
  let switches = 0;
  for (let i = 1; i < alnum.length; i++) if (cls(alnum[i]!) !== cls(alnum[i - 1]!)) switches++;
  return switches / (alnum.length - 1) >= 0.3;
}

export interface CompiledRedaction {
  rules: string[];
  headers: Set<string>;
  keepHeaders: Set<string>;
  params: Set<string>;
  paths: { path: string; segs: PathSegment[] }[];
  /** Values redacted so far (short ones): a correlation id carrying one is redacted too. */
  seen: Set<string>;
}

/** Compiles a config; throws on a JSON path it cannot understand (a typo must not leak data). */
export function compileRedaction(config: RedactionConfig = {}): CompiledRedaction {
  const headers = new Set([...SECRET_HEADERS, ...(config.extraHeaders ?? []).map((h) => h.toLowerCase())]);
  const params = new Set([...SECRET_QUERY_PARAMS, ...(config.extraQueryParams ?? []).map((p) => p.toLowerCase())]);
  const paths = (config.jsonPaths ?? []).map((path) => {
    const segs = compileJsonPath(path);
    if (!segs || segs.length === 0) throw new Error(`Unsupported JSON path for redaction: ${path}`);
    return { path, segs };
  });
  const rules = [
    ...[...headers].map((h) => `header:${h}`),
    `header-pattern:${SECRET_HEADER_PATTERN.source} except *-id`,
    ...[...params].map((p) => `query:${p}`),
    'url:password',
    ...TEXT_PATTERNS.map((p) => `text:${p.name}`),
    `json-key:${SECRET_JSON_KEY.source}`,
    'entropy:secret-named json keys, query parameters and headers',
    ...paths.map((p) => `json:${p.path}`),
  ];
  return { rules, headers, keepHeaders: new Set((config.keepHeaders ?? []).map((h) => h.toLowerCase())), params, paths, seen: new Set() };
}

function remember(c: CompiledRedaction, value: string): void {
  if (value.length <= 256 && c.seen.size < 10_000) c.seen.add(value);
}

class Hits {
  private readonly map = new Map<string, RedactionHit>();
  count = 0;
  add(connectionId: string, location: RedactionLocation, name: string, n = 1): void {
    if (n <= 0) return;
    this.count += n;
    const k = `${connectionId}\u0000${location}\u0000${name}`;
    const h = this.map.get(k);
    if (h) h.count += n;
    else this.map.set(k, { connectionId, location, name, count: n });
  }
  list(): RedactionHit[] {
    return [...this.map.values()];
  }
}

export function isSecretHeader(name: string, c: CompiledRedaction): boolean {
  const n = name.toLowerCase();
  if (c.keepHeaders.has(n)) return false;
  if (c.headers.has(n)) return true;
  return SECRET_HEADER_PATTERN.test(n) && !CORRELATION_HEADER.test(n);
}

/** Redacts secret parameters and the password of a URL, leaving everything else byte-identical. */
export function redactUrl(url: string, c: CompiledRedaction): { url: string; names: string[] } {
  const names: string[] = [];
  let out = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):([^/?#@]*)@/i, (_m, head: string) => {
    names.push('password');
    return `${head}:${REDACTED_URL_VALUE}@`;
  });
  const params = (part: string): string =>
    part
      .split('&')
      .map((kv) => {
        const eq = kv.indexOf('=');
        if (eq < 0) return kv;
        let name: string;
        try {
          name = decodeURIComponent(kv.slice(0, eq).replace(/\+/g, ' ')).toLowerCase();
        } catch {
          name = kv.slice(0, eq).toLowerCase();
        }
        const raw = kv.slice(eq + 1);
        if (raw === REDACTED_URL_VALUE) return kv;
        let value: string;
        try {
          value = decodeURIComponent(raw.replace(/\+/g, ' '));
        } catch {
          value = raw;
        }
        const shapes: string[] = [];
        if (c.params.has(name) && !CORRELATION_PARAMS.has(kv.slice(0, eq))) names.push(name);
        else if (isSecretName(name) && isHighEntropy(value)) names.push(`entropy:${name}`);
        else if (redactPatterns(value, shapes, REDACTED_URL_VALUE) !== value) names.push(...shapes.map((p) => `${name}:${p}`));
        else return kv;
        remember(c, value);
        return `${kv.slice(0, eq)}=${REDACTED_URL_VALUE}`;
      })
      .join('&');
  const hash = out.indexOf('#');
  let fragment = hash >= 0 ? out.slice(hash + 1) : null;
  if (hash >= 0) out = out.slice(0, hash);
  const q = out.indexOf('?');
  if (q >= 0) out = `${out.slice(0, q + 1)}${params(out.slice(q + 1))}`;
  // A key in the path (`/bot<token>/`, `/keys/sk-…`) is found by its shape.
  const pathEnd = q >= 0 ? q : out.length;
  const shapes: string[] = [];
  const path = redactPatterns(out.slice(0, pathEnd), shapes, REDACTED_URL_VALUE);
  if (shapes.length > 0) {
    names.push(...shapes.map((p) => `path:${p}`));
    out = `${path}${out.slice(pathEnd)}`;
  }
  // OAuth implicit flows put tokens in the fragment (`#access_token=…`).
  if (fragment !== null && fragment.includes('=')) fragment = params(fragment);
  return { url: fragment !== null ? `${out}#${fragment}` : out, names };
}

function redactHeaders(headers: Header[], c: CompiledRedaction, hits: Hits, conn: string, location: 'request-header' | 'response-header'): Header[] {
  let changed = false;
  const out = headers.map(([name, value]): Header => {
    const n = name.toLowerCase();
    if (isSecretHeader(n, c) || (isSecretName(n) && !CORRELATION_HEADER.test(n) && isHighEntropy(value.replace(/^"|"$/g, '')))) {
      if (value === REDACTED) return [name, value];
      changed = true;
      remember(c, value);
      hits.add(conn, location, n);
      const scheme = /^(authorization|proxy-authorization)$/.test(n) ? value.match(/^([A-Za-z][\w-]*)\s+\S/) : null;
      return [name, scheme ? `${scheme[1]} ${REDACTED}` : REDACTED];
    }
    if (URL_HEADERS.has(n)) {
      const r = redactUrl(value, c);
      if (r.names.length > 0) {
        changed = true;
        for (const p of r.names) hits.add(conn, location, `${n}:${p}`);
        return [name, r.url];
      }
    }
    const names: string[] = [];
    const v = redactPatterns(value, names, REDACTED, c);
    if (names.length > 0) {
      changed = true;
      for (const p of names) hits.add(conn, location, `${n}:${p}`);
    }
    return [name, v];
  });
  return changed ? out : headers;
}

/** One header list redacted as an export would (for copy commands and the panel's display). */
export function redactHeaderList(headers: readonly Header[], c: CompiledRedaction): Header[] {
  return redactHeaders([...headers], c, new Hits(), '', 'request-header');
}

function parseJson(s: string): unknown {
  const t = s.trim();
  if (t[0] !== '{' && t[0] !== '[') return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

/** Applies the JSON rules to a parsed value in place; returns the names of the rules that hit. */
function redactJsonValue(v: unknown, c: CompiledRedaction): string[] {
  const isSecret = (k: string, x: string) => SECRET_JSON_KEY.test(k) || (isSecretName(k) && isHighEntropy(x));
  const names: string[] = [];
  const walk = (n: unknown, depth: number): void => {
    if (depth > 64) return;
    if (Array.isArray(n)) n.forEach((x) => walk(x, depth + 1));
    else if (typeof n === 'object' && n !== null) {
      const o = n as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const x = o[k];
        if (typeof x === 'string' && x !== REDACTED && isSecret(k, x)) {
          remember(c, x);
          o[k] = REDACTED;
          names.push(SECRET_JSON_KEY.test(k) ? `json-key:${k}` : `entropy:${k}`);
        } else walk(o[k], depth + 1);
      }
    }
  };
  walk(v, 0);
  for (const p of c.paths) {
    const n = replaceAtPath(v, p.segs, REDACTED);
    for (let i = 0; i < n; i++) names.push(p.path);
  }
  return names;
}

/** Redacts a body or payload text. Returns the same string when nothing matched. */
export function redactText(text: string, c: CompiledRedaction): { text: string; names: string[] } {
  const names: string[] = [];
  let out = text;
  if (out.includes('{') || out.includes('[')) {
    const whole = parseJson(out);
    if (whole !== undefined) {
      const n = redactJsonValue(whole, c);
      if (n.length > 0) {
        names.push(...n);
        out = JSON.stringify(whole);
      }
    } else if (out.includes('\n')) {
      // SSE `data:` lines and NDJSON lines, each its own JSON value.
      out = out.replace(/^(data:[ ]?)?([{[].*?)(\r?)$/gm, (line: string, prefix: string | undefined, body: string, cr: string) => {
        const v = parseJson(body);
        if (v === undefined) return line;
        const n = redactJsonValue(v, c);
        if (n.length === 0) return line;
        names.push(...n);
        return `${prefix ?? ''}${JSON.stringify(v)}${cr}`;
      });
    }
  }
  out = redactPatterns(out, names, REDACTED, c);
  return { text: names.length > 0 ? out : text, names };
}

/** The shape patterns alone (no JSON rules), pushing a name per replacement. */
function redactPatterns(text: string, names: string[], marker = REDACTED, c?: CompiledRedaction): string {
  let out = text;
  for (const p of TEXT_PATTERNS) {
    p.re.lastIndex = 0;
    if (!p.re.test(out)) continue;
    p.re.lastIndex = 0;
    out = out.replace(p.re, (m: string) => {
      if (p.check && !p.check(m)) return m;
      names.push(p.name);
      if (c) remember(c, m);
      return p.replace.replace('$1', marker);
    });
  }
  return out;
}

function redactConnection(conn: TraceConnectionV1, c: CompiledRedaction, hits: Hits): TraceConnectionV1 {
  const s = conn.summary;
  const id = s.id;
  const url = redactUrl(s.url, c);
  for (const n of url.names) hits.add(id, 'url', n);
  let preview = s.requestBodyPreview;
  if (preview !== null) {
    const r = redactText(preview, c);
    for (const n of r.names) hits.add(id, 'body', n);
    preview = r.text;
  }
  const summary = {
    ...s,
    url: url.url,
    requestHeaders: redactHeaders(s.requestHeaders, c, hits, id, 'request-header'),
    responseHeaders: redactHeaders(s.responseHeaders, c, hits, id, 'response-header'),
    requestBodyPreview: preview,
  };
  const events = conn.events.map((e): TraceEventV1 => {
    if (e.text === null) return e;
    const r = redactText(e.text, c);
    if (r.names.length === 0) return e;
    for (const n of r.names) hits.add(id, 'event', n);
    return { ...e, text: r.text };
  });
  // Timing holds no payload (times, counts, message ids the redaction keeps anyway).
  return conn.timing !== undefined ? { summary, timing: conn.timing, events } : { summary, events };
}

/** Hits are session-level (no connection): a page text is not tied to one stream. */
/**
 * A mock as an export carries it: often written from a captured stream, so its URL, response
 * headers and events may hold the same secrets. Its hits are listed under `mock:<name>`.
 */
function redactMock(m: Mock, c: CompiledRedaction, hits: Hits): Mock {
  const who = `mock:${m.name}`;
  const u = redactUrl(m.request.url, c);
  for (const n of u.names) hits.add(who, 'url', n);
  const steps = m.steps.map((step) => {
    // A binary frame's base64 is bytes, not text a secret pattern can be read in (and a cut would break it).
    if (step.kind !== 'event' || step.binary) return step;
    const r = redactText(step.data, c);
    for (const n of r.names) hits.add(who, 'event', n);
    return r.names.length > 0 ? { ...step, data: r.text } : step;
  });
  return { ...m, request: { ...m.request, url: u.url }, response: { ...m.response, headers: redactHeaders(m.response.headers, c, hits, who, 'response-header') }, steps };
}

function redactView(view: ViewSample[], c: CompiledRedaction, hits: Hits): ViewSample[] {
  return view.map((s) => {
    const r = redactText(s.text, c);
    if (r.names.length === 0) return s;
    for (const n of r.names) hits.add('', 'view', n);
    return { ...s, text: clipViewText(r.text) };
  });
}

/**
 * Returns a redacted copy of a trace (unchanged values are shared, never mutated) and a report
 * of what was replaced where, for the export dialog. The trace's `redaction` block is filled in.
 */
export function redactTrace(trace: TraceFileV1, config: RedactionConfig = {}): { trace: TraceFileV1; report: RedactionReport } {
  const c = compileRedaction(config);
  const hits = new Hits();
  const page = redactUrl(trace.environment.pageUrl, c);
  for (const n of page.names) hits.add('', 'url', n);
  const sessions = trace.sessions.map((s) => {
    const u = redactUrl(s.url, c);
    for (const n of u.names) hits.add('', 'url', n);
    const out: TraceSessionV1 = { ...s, url: u.url, connections: s.connections.map((k) => redactConnection(k, c, hits)) };
    if (s.view !== undefined) out.view = redactView(s.view, c, hits);
    return out;
  });
  // Last: the values redacted above are known now. A correlation id is `kind:value`.
  for (const s of sessions) {
    const ids = s.correlationIds.map((id) => {
      const colon = id.indexOf(':');
      const value = id.slice(colon + 1);
      const names: string[] = [];
      if (!c.seen.has(value) && redactPatterns(value, names) === value) return id;
      hits.add('', 'url', `correlation:${id.slice(0, colon)}`);
      return `${id.slice(0, colon)}:${REDACTED}`;
    });
    if (ids.some((id, i) => id !== s.correlationIds[i])) s.correlationIds = ids;
  }
  const evidence = <T extends { evidence: TraceFileV1['flags'][number]['evidence'] }>(x: T): T => ({
    ...x,
    evidence: x.evidence.map((e) => {
      if (e.text === undefined) return e;
      const r = redactText(e.text, c);
      for (const n of r.names) hits.add(e.connectionId ?? '', 'evidence', n);
      return r.names.length > 0 ? { ...e, text: r.text } : e;
    }),
  });
  const out: TraceFileV1 = {
    ...trace,
    environment: { ...trace.environment, pageUrl: page.url },
    sessions,
    testRuns: trace.testRuns.map(evidence),
    flags: trace.flags.map(evidence),
    ...(trace.mocks ? { mocks: trace.mocks.map((m) => redactMock(m, c, hits)) } : {}),
    redaction: { applied: true, rules: c.rules, redactedCount: hits.count },
  };
  return { trace: out, report: { rules: c.rules, count: hits.count, where: hits.list() } };
}

/**
 * One request (URL, headers, body) redacted by the same rules as an export: for the panel's
 * copy commands, which redact by default like every other way a capture leaves the panel.
 */
export function redactRequest<T extends { url: string; headers: readonly Header[]; body: string | null }>(req: T, config: RedactionConfig = {}): T {
  const c = compileRedaction(config);
  return { ...req, url: redactUrl(req.url, c).url, headers: redactHeaderList(req.headers, c), body: req.body === null ? null : redactText(req.body, c).text };
}
