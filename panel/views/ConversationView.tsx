/**
 * The whole answer, per message: thinking, text, tool calls (arguments as a JSON tree, invalid
 * or partial JSON raw and flagged, the result, how long it took), sources and what the stream
 * said about it (model, ids, finish reason, usage, errors). Sections are native <details>, so
 * they fold by keyboard; every part links back to the events that carried it.
 */
import { shownMessage } from '../logic/hide-secrets';
import { HideSecretsToggle } from './HideSecretsToggle';
import type { ComponentChildren } from 'preact';
import type { ConnectionCapture } from '../../src/core/trace/model';
import type { ConversationMessage, ConversationMeta, Part, ReasoningPart, SourcePart, TextPart, ToolCallPart } from '../../src/core/reassembly';
import { structuredOutput } from '../../src/core/reassembly';
import { copyText } from '../clipboard';
import { conversationFor, durationLabel, hasMeta, messageJson, messageMarkdown, messageTitle, metaRows, openableUrl, partText, toolStatus, visibleMessages } from '../logic/conversation';
import { answerPickOf, selectFrame, type PanelStore } from '../store';
import { JsonTree } from './JsonTree';

type Jump = (frame: number) => void;

/** Buttons to the events a part came from (the first few, then a count). */
function EventLinks({ frames, jump }: { frames: number[]; jump: Jump }) {
  if (frames.length === 0) return null;
  const shown = frames.slice(0, 4);
  return (
    <span class="conv-links">
      {shown.map((f) => (
        <button key={f} type="button" class="link" data-frame={f} title={`Show message #${f} in the Events tab`} onClick={() => jump(f)}>
          #{f}
        </button>
      ))}
      {frames.length > shown.length && <span class="muted"> +{frames.length - shown.length}</span>}
    </span>
  );
}

function Section({ kind, title, badge, part, frames, jump, children }: { kind: string; title: string; badge?: ComponentChildren; part: Part; frames: number[]; jump: Jump; children: ComponentChildren }) {
  return (
    <details open class={`conv-part conv-${kind}`} data-kind={kind}>
      <summary>
        <strong>{title}</strong>
        {badge}
        {part.step !== undefined && <span class="muted">step {part.step}</span>}
        <span class="spacer" />
        <EventLinks frames={frames} jump={jump} />
        <button type="button" onClick={() => void copyText(partText(part), title.toLowerCase())}>
          Copy
        </button>
      </summary>
      <div class="conv-body">{children}</div>
    </details>
  );
}

function SpannedText({ part, jump }: { part: TextPart | ReasoningPart; jump: Jump }) {
  return (
    <div class="text">
      {part.spans.map((s) => (
        <span key={s.start} class="span" data-frame={s.frame} title={`Delivered by message #${s.frame}: click to show it`} onClick={() => jump(s.frame)}>
          {part.text.slice(s.start, s.end)}
        </span>
      ))}
    </div>
  );
}

function ToolCall({ part, jump }: { part: ToolCallPart; jump: Jump }) {
  const flag = part.args.state === 'partial' ? 'partial JSON' : part.args.state === 'invalid' ? 'invalid JSON' : null;
  const structured = part.result ? structuredOutput(part.result.output) : null;
  const duration = durationLabel(part);
  const badge = (
    <>
      <code class="conv-tool-name">{part.name ?? '(unnamed tool)'}</code>
      <span class={`badge ${part.result?.isError ? 'bad' : part.result || part.complete ? 'ok' : 'live'}`}>{toolStatus(part)}</span>
      {duration && <span class="muted conv-duration">{duration}</span>}
    </>
  );
  return (
    <Section kind="tool-call" title="Tool call" badge={badge} part={part} frames={part.frames} jump={jump}>
      {part.id && (
        <div class="muted conv-tool-id">
          id <code>{part.id}</code>
        </div>
      )}
      <div class="conv-label">
        Arguments{' '}
        {flag && (
          <span class="badge warn conv-flag" title={part.args.state === 'json' ? '' : 'error' in part.args ? part.args.error : ''}>
            {flag}
          </span>
        )}
      </div>
      {part.args.state === 'json' ? <JsonTree key={part.argsText} value={part.args.value} /> : part.args.state === 'empty' ? <p class="muted conv-empty">no arguments</p> : <pre class="conv-raw conv-args-raw">{part.argsText}</pre>}
      {part.result && (
        <>
          <div class="conv-label">
            {part.result.isError ? 'Error' : 'Result'} <EventLinks frames={[part.result.frame]} jump={jump} />
          </div>
          {structured !== null ? <JsonTree key={part.result.output} value={structured} /> : <pre class="conv-raw conv-result-raw">{part.result.output}</pre>}
        </>
      )}
    </Section>
  );
}

function Source({ part, jump }: { part: SourcePart; jump: Jump }) {
  const href = openableUrl(part.url);
  return (
    <Section kind="source" title="Source" part={part} frames={part.frames} jump={jump}>
      {part.title && <div class="conv-source-title">{part.title}</div>}
      {part.url && (
        <div class="conv-source-url">
          {/* The page chose this URL: it is text to read and copy; opening it takes a click on a button, http(s) only. */}
          <code>{part.url}</code> <button type="button" onClick={() => void copyText(part.url!, 'URL')}>Copy URL</button>{' '}
          {href && (
            <button type="button" title="Open in a new tab (no opener, no referrer)" onClick={() => window.open(href, '_blank', 'noopener,noreferrer')}>
              Open
            </button>
          )}
        </div>
      )}
      {part.quote && <blockquote class="conv-quote">{part.quote}</blockquote>}
      {part.sourceId && (
        <div class="muted">
          id <code>{part.sourceId}</code>
        </div>
      )}
    </Section>
  );
}

function PartView({ part, jump }: { part: Part; jump: Jump }) {
  switch (part.kind) {
    case 'reasoning':
      return part.redacted ? (
        <Section kind="reasoning" title="Thinking" badge={<span class="badge warn">redacted</span>} part={part} frames={part.frames} jump={jump}>
          <p class="muted conv-redacted">The provider sent this reasoning encrypted: it happened, its text is not readable.</p>
        </Section>
      ) : (
        <Section kind="reasoning" title="Thinking" part={part} frames={part.frames} jump={jump}>
          <SpannedText part={part} jump={jump} />
        </Section>
      );
    case 'text':
      return (
        <Section kind="text" title="Text" part={part} frames={part.frames} jump={jump}>
          <SpannedText part={part} jump={jump} />
        </Section>
      );
    case 'tool-call':
      return <ToolCall part={part} jump={jump} />;
    case 'source':
      return <Source part={part} jump={jump} />;
  }
}

function Meta({ meta, frames, jump, label }: { meta: ConversationMeta; frames: number[]; jump: Jump; label: string }) {
  return (
    <details open class="conv-part conv-meta" data-kind="meta">
      <summary>
        <strong>{label}</strong>
        <span class="spacer" />
        <EventLinks frames={frames} jump={jump} />
      </summary>
      <dl class="conv-body conv-meta-list">
        {metaRows(meta).map(([k, v], i) => (
          <div key={`${k}${i}`} class={k === 'Error' ? 'conv-error' : undefined}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function statusOf(m: ConversationMessage, conn: ConnectionCapture): [string, string] {
  if (m.meta.errors.length > 0) return ['bad', 'error'];
  if (m.cancelled) return ['warn', 'cancelled'];
  if (m.finished) return ['ok', 'finished'];
  return conn.summary.state === 'ended' ? ['warn', 'cut off'] : ['live', 'streaming…'];
}

export function ConversationView({ store, conn }: { store: PanelStore; conn: ConnectionCapture }) {
  const rec = store.analysis.recognition(conn, answerPickOf(store, conn.summary.id));
  const conversation = conversationFor(rec);
  const messages = visibleMessages(conversation).map((m) => shownMessage(m));
  const jump: Jump = (frame) => selectFrame(store, frame);
  const streamMeta = hasMeta(conversation.meta) ? conversation.meta : undefined;
  if (messages.length === 0 && !streamMeta) {
    return <p class="empty">No conversation recognized in this stream{rec.protocol ? ` (${rec.name})` : ''}. The Events tab shows what arrived.</p>;
  }
  const many = messages.length > 1;
  return (
    <div class="conversation" aria-label="Conversation">
      <div class="subbar wrap">
        <span class="count">
          {rec.name} · {messages.length} {many ? 'messages' : 'message'}
        </span>
        <span class="spacer" />
        <HideSecretsToggle />
      </div>
      {streamMeta && <Meta meta={streamMeta} frames={conversation.metaFrames} jump={jump} label="Response" />}
      {messages.map((m) => {
        const title = messageTitle(m, many);
        const [tone, status] = statusOf(m, conn);
        return (
          <article key={m.key} class="conv-message" data-key={m.key} data-agent={m.agent} aria-label={title}>
            <header>
              <strong>{title}</strong>
              <span class={`badge ${tone}`}>{status}</span>
              <span class="muted">
                {m.parts.length} {m.parts.length === 1 ? 'part' : 'parts'}
              </span>
              <span class="spacer" />
              <button type="button" onClick={() => void copyText(messageMarkdown(m, title, streamMeta), 'message as Markdown')}>
                Copy as Markdown
              </button>
              <button type="button" onClick={() => void copyText(messageJson(m, streamMeta), 'message as JSON')}>
                Copy as JSON
              </button>
            </header>
            {m.parts.map((p, i) => (
              <PartView key={`${p.kind}${i}`} part={p} jump={jump} />
            ))}
            {hasMeta(m.meta) && <Meta meta={m.meta} frames={m.metaFrames} jump={jump} label="Meta" />}
          </article>
        );
      })}
    </div>
  );
}
