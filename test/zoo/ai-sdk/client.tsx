/**
 * @jsxRuntime classic
 * (React.createElement: bundle.ts defines NODE_ENV=production, but under Vitest Vite emits
 * the automatic runtime's jsxDEV, which React's production jsx-dev-runtime does not export.)
 */
/**
 * The AI SDK zoo app's page: React + `useChat` from @ai-sdk/react with `DefaultChatTransport`,
 * as the SDK's docs and the Vercel chatbot template write it. The server's config (in the page)
 * picks the variant: plain useChat, or resumable (chat id in the URL, `resume: true`, resume
 * after a network error, and optionally a Stop that cancels on the server).
 */
import React, { useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Chat, useChat } from '@ai-sdk/react';
import { DefaultChatTransport, generateId, type UIMessage } from 'ai';

interface Config {
  resumable: boolean;
  cancelEndpoint: boolean;
  chat: 'hook' | 'instance';
  composer: 'textarea' | 'input' | 'icon';
}

const cfg = JSON.parse(document.getElementById('chat-config')!.textContent!) as Config;
const MAX_RESUME_ATTEMPTS = 8;

function textOf(m: UIMessage): string {
  return m.parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

/** fetch() rejects with a TypeError ("Failed to fetch", "network error") when the connection is lost. */
function isNetworkError(e: Error | undefined): boolean {
  return e instanceof TypeError;
}

function SendIcon(): React.JSX.Element {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
      <path d="M2 21l21-9L2 3v7l15 2-15 2z" fill="currentColor" />
    </svg>
  );
}

function Composer({ busy, onSend, onStop }: { busy: boolean; onSend: (text: string) => void; onStop: () => void }): React.JSX.Element {
  const [text, setText] = useState('');
  const submit = (e: React.SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!text.trim() || busy) return;
    onSend(text);
    setText('');
  };
  // A plain textarea: Enter adds a line, only the Send button submits.
  const field =
    cfg.composer === 'textarea' ? (
      <textarea name="prompt" rows={2} value={text} onChange={(e) => setText(e.currentTarget.value)} placeholder="Ask anything" />
    ) : (
      <input type="text" name="prompt" value={text} onChange={(e) => setText(e.currentTarget.value)} placeholder="Send a message…" autoComplete="off" />
    );
  return (
    <form onSubmit={submit}>
      {field}
      {busy ? (
        <button type="button" aria-label="Stop generating" onClick={onStop}>
          Stop
        </button>
      ) : cfg.composer === 'icon' ? (
        <button type="submit" aria-label="Send message">
          <SendIcon />
        </button>
      ) : (
        <button type="submit">Send</button>
      )}
    </form>
  );
}

function App({ id, initial }: { id: string; initial: UIMessage[] }): React.JSX.Element {
  const transport = useMemo(() => new DefaultChatTransport<UIMessage>({ api: '/api/chat' }), []);
  // 'instance': the app owns the Chat and hands it to useChat; 'hook': useChat builds it.
  const own = useMemo(() => (cfg.chat === 'instance' ? new Chat<UIMessage>({ id, messages: initial, transport }) : null), [id, initial, transport]);
  const { messages, sendMessage, status, error, stop, resumeStream } = useChat<UIMessage>(
    own ? { chat: own, resume: cfg.resumable } : { id, messages: initial, transport, resume: cfg.resumable },
  );

  // Resume by ourselves after a dropped connection, with backoff, as resumable apps do.
  const attempts = useRef(0);
  useEffect(() => {
    if (!cfg.resumable) return;
    if (status === 'streaming') attempts.current = 0;
    if (status !== 'error' || !isNetworkError(error) || attempts.current >= MAX_RESUME_ATTEMPTS) return;
    const delay = Math.min(400 * 2 ** attempts.current, 4000);
    attempts.current++;
    const t = setTimeout(() => void resumeStream(), delay);
    return () => clearTimeout(t);
  }, [status, error, resumeStream]);

  const busy = status === 'submitted' || status === 'streaming';
  const onSend = (text: string) => {
    // Make the conversation addressable: a reload or a second tab on this URL joins it.
    if (cfg.resumable) history.replaceState(null, '', `?chat=${encodeURIComponent(id)}`);
    void sendMessage({ text });
  };
  const onStop = async () => {
    // A joined tab is streaming too (its resume GET), so it shows Stop as well. With a cancel
    // endpoint Stop stops the generation itself; otherwise it only aborts this tab's fetch.
    if (cfg.cancelEndpoint) await fetch(`/api/chat/${encodeURIComponent(id)}/cancel`, { method: 'POST' }).catch(() => {});
    await stop();
  };

  return (
    <>
      <h1>Chat</h1>
      <section aria-label="Conversation">
        {messages.map((m) => (
          <div key={m.id} className={`msg ${m.role}`} data-role={m.role}>
            <div className={m.role === 'assistant' ? 'answer' : 'text'}>{textOf(m)}</div>
          </div>
        ))}
      </section>
      {status === 'error' && <p className="error">Something went wrong. {cfg.resumable ? 'Reconnecting…' : 'Please try again.'}</p>}
      <Composer busy={busy} onSend={onSend} onStop={() => void onStop()} />
    </>
  );
}

async function main(): Promise<void> {
  const joined = cfg.resumable ? new URLSearchParams(location.search).get('chat') : null;
  const id = joined ?? generateId();
  // A page opened on ?chat=<id> shows the stored history; useChat's resume joins the live answer.
  const initial = joined ? ((await (await fetch(`/api/chats/${encodeURIComponent(joined)}`)).json()) as { messages: UIMessage[] }).messages : [];
  createRoot(document.getElementById('root')!).render(<App id={id} initial={initial} />);
}

void main();
