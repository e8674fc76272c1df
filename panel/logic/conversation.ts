/**
 * What the Conversation view shows and copies, without a DOM: the conversation of a
 * recognition (memoized on it: recognitions are memoized per connection and event count),
 * titles, the text a part or message copies as (Markdown or JSON), and which source URLs may
 * be opened. Everything here comes from the page, which is untrusted: URLs are only ever
 * text unless they are plain http(s).
 */
import type { Recognition } from '../../src/core/protocols/types';
import { conversationOf, type Conversation, type ConversationMessage, type ConversationMeta, type Part, type ToolCallPart } from '../../src/core/reassembly';
import { formatDuration } from '../format';

const memo = new WeakMap<Pick<Recognition, 'events' | 'frames'>, Conversation>();

export function conversationFor(rec: Pick<Recognition, 'events' | 'frames'>): Conversation {
  let c = memo.get(rec);
  if (!c) {
    c = conversationOf(rec);
    memo.set(rec, c);
  }
  return c;
}

/** Messages worth a section: any part or anything said about them. */
export function visibleMessages(c: Conversation): ConversationMessage[] {
  return c.messages.filter((m) => m.parts.length > 0 || m.finished || m.cancelled || m.meta.errors.length > 0);
}

export function messageTitle(m: Pick<ConversationMessage, 'key' | 'agent' | 'role'>, many: boolean): string {
  if (m.agent) return m.agent;
  const who = m.role ? m.role[0]!.toUpperCase() + m.role.slice(1) : 'Message';
  return m.key === 'default' || !many ? who : `${who} ${m.key}`;
}

export function hasMeta(meta: ConversationMeta): boolean {
  return meta.model !== undefined || meta.responseId !== undefined || meta.finishReason !== undefined || meta.inputTokens !== undefined || meta.outputTokens !== undefined || meta.errors.length > 0;
}

/** Label/value rows for a meta block, in a fixed order. */
export function metaRows(meta: ConversationMeta): Array<[string, string]> {
  const rows: Array<[string, string | undefined]> = [
    ['Model', meta.model],
    ['Response id', meta.responseId],
    ['Finish reason', meta.finishReason],
    ['Input tokens', meta.inputTokens?.toString()],
    ['Output tokens', meta.outputTokens?.toString()],
    ...meta.errors.map((e): [string, string] => ['Error', e]),
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined);
}

/** The URL as something to open, only when it is http(s): anything else stays text. */
export function openableUrl(url: string | undefined): string | null {
  if (url === undefined) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

export function toolStatus(p: ToolCallPart): string {
  if (p.result?.isError) return 'failed';
  if (p.result) return 'returned';
  return p.complete ? 'called' : 'streaming or cut off';
}

export function durationLabel(p: ToolCallPart): string | null {
  return p.durationMs === undefined ? null : formatDuration(p.durationMs);
}

const fence = (text: string, lang = ''): string => {
  // A fence longer than any backtick run inside, so page text cannot close it early.
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text}\n${f}`;
};

const argsForCopy = (p: ToolCallPart): string => (p.args.state === 'json' ? JSON.stringify(p.args.value, null, 2) : p.argsText);

/** A part as plain text, for "Copy". */
export function partText(p: Part): string {
  switch (p.kind) {
    case 'text':
      return p.text;
    case 'reasoning':
      return p.redacted ? '[redacted reasoning]' : p.text;
    case 'tool-call':
      return [`${p.name ?? 'tool'}(${argsForCopy(p)})`, ...(p.result ? [`${p.result.isError ? 'error' : 'result'}: ${p.result.output}`] : [])].join('\n');
    case 'source':
      return [p.title, p.url, p.quote ? `“${p.quote}”` : undefined].filter((x) => x !== undefined).join('\n');
  }
}

function partMarkdown(p: Part): string {
  switch (p.kind) {
    case 'text':
      return p.text;
    case 'reasoning':
      return p.redacted ? '> _Reasoning redacted by the provider._' : p.text.split('\n').map((l) => `> ${l}`).join('\n');
    case 'tool-call': {
      const flag = p.args.state === 'partial' ? ' (partial JSON)' : p.args.state === 'invalid' ? ' (invalid JSON)' : '';
      const head = `**Tool call \`${p.name ?? 'tool'}\`**${p.id ? ` (${p.id})` : ''}${durationLabel(p) ? `, ${durationLabel(p)}` : ''}${flag}`;
      const result = p.result ? `\n\n${p.result.isError ? 'Error' : 'Result'}:\n\n${fence(p.result.output)}` : '';
      return `${head}\n\n${fence(argsForCopy(p), p.args.state === 'json' ? 'json' : '')}${result}`;
    }
    case 'source': {
      // The title is page text: kept out of link syntax so it cannot become a link of its own.
      const title = (p.title ?? p.url ?? p.sourceId ?? 'source').replace(/[[\]()<>]/g, '');
      return `- ${title}${p.url ? ` <${p.url.replace(/[<>\s]/g, encodeURIComponent)}>` : ''}${p.quote ? ` — “${p.quote}”` : ''}`;
    }
  }
}

/** A message as Markdown: thinking as quotes, tool calls as fenced JSON, sources as a list, meta last. */
export function messageMarkdown(m: ConversationMessage, title: string, streamMeta?: ConversationMeta): string {
  const blocks: string[] = [`## ${title}`];
  let sources: string[] = [];
  const flushSources = () => {
    if (sources.length > 0) blocks.push(`Sources:\n\n${sources.join('\n')}`);
    sources = [];
  };
  for (const p of m.parts) {
    if (p.kind === 'source') {
      sources.push(partMarkdown(p));
      continue;
    }
    flushSources();
    blocks.push(p.kind === 'reasoning' ? `### Thinking\n\n${partMarkdown(p)}` : partMarkdown(p));
  }
  flushSources();
  const rows = [...metaRows(m.meta), ...(streamMeta ? metaRows(streamMeta) : [])];
  if (rows.length > 0) blocks.push(rows.map(([k, v]) => `- ${k}: ${v}`).join('\n'));
  return blocks.join('\n\n') + '\n';
}

/** A message as JSON: its parts and meta as the core assembled them. */
export function messageJson(m: ConversationMessage, streamMeta?: ConversationMeta): string {
  return JSON.stringify({ ...m, ...(streamMeta && hasMeta(streamMeta) ? { streamMeta } : {}) }, null, 2);
}
