/**
 * The tRPC family's browser client: @trpc/client's vanilla client with a splitLink that sends
 * subscriptions over httpSubscriptionLink (EventSource) and everything else over httpBatchLink.
 * The variant comes from the page (#root[data-variant]); see router.ts for what differs.
 * No JSX: under Vitest (NODE_ENV=test) Vite compiles JSX to jsxDEV, which the production React
 * that bundle.ts selects does not export, so the page would not render.
 */
import React, { useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import type { ChatEvent, TrackedRouter } from './router';

const rootEl = document.getElementById('root')!;
const variant = rootEl.dataset.variant as 'tracked' | 'untracked';

// Relative URLs: the page, the batch endpoint and the SSE endpoint share one origin.
const trpc = createTRPCClient<TrackedRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({ url: '/trpc' }),
      false: httpBatchLink({ url: '/trpc' }),
    }),
  ],
});

interface Turn {
  chatId: string;
  prompt: string;
  /** null: no answer to show (an untracked chat whose answer is not stored yet). */
  answer: string | null;
  streaming: boolean;
}

type Sub = { unsubscribe(): void };

const h = React.createElement;
const icon = (d: string) => h('svg', { viewBox: '0 0 24 24', 'aria-hidden': true }, h('path', { d, fill: 'currentColor' }));

function App() {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [draft, setDraft] = useState('');
  const subs = useRef(new Map<string, Sub>());

  const update = (chatId: string, f: (t: Turn) => Turn) => setTurns((ts) => ts.map((t) => (t.chatId === chatId ? f(t) : t)));

  /** Follows a chat's subscription; the tracked one may start mid-way on a second tab (it replays from the start). */
  const follow = (chatId: string) => {
    const sub = trpc.chat.stream.subscribe(
      { chatId },
      {
        onData(d) {
          // Tracked events arrive as { id, data }; the untracked router yields the events bare.
          const ev = variant === 'tracked' ? (d as { data: ChatEvent }).data : (d as unknown as ChatEvent);
          if (ev.type === 'token') update(chatId, (t) => ({ ...t, answer: (t.answer ?? '') + ev.text }));
          else update(chatId, (t) => ({ ...t, streaming: false }));
        },
        onError: () => update(chatId, (t) => ({ ...t, streaming: false })),
        onComplete: () => update(chatId, (t) => ({ ...t, streaming: false })),
      },
    );
    subs.current.set(chatId, sub);
  };

  // A page opened on ?chat=<id> shows that conversation.
  useEffect(() => {
    const chatId = new URLSearchParams(location.search).get('chat');
    if (!chatId) return;
    void trpc.chat.get.query({ chatId }).then((chat) => {
      if (variant === 'tracked') {
        // The generation lives on the server: subscribe from the start and keep following it.
        setTurns([{ chatId, prompt: chat.prompt, answer: '', streaming: true }]);
        follow(chatId);
      } else {
        // Nothing to follow: the generation belongs to the other tab's subscription; show history.
        setTurns([{ chatId, prompt: chat.prompt, answer: chat.answer, streaming: false }]);
      }
    });
  }, []);

  const send = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const prompt = draft.trim();
    if (!prompt) return;
    setDraft('');
    const { chatId } = await trpc.chat.send.mutate({ prompt });
    history.replaceState(null, '', `?chat=${chatId}`);
    setTurns((ts) => [...ts, { chatId, prompt, answer: '', streaming: true }]);
    follow(chatId);
  };

  const live = turns.find((t) => t.streaming);
  const stop = () => {
    if (!live) return;
    if (variant === 'tracked') {
      // Stop at the source; the subscription then ends with a 'cancelled' event.
      void trpc.chat.cancel.mutate({ chatId: live.chatId });
    } else {
      // The generation is the subscription: unsubscribing closes the EventSource.
      subs.current.get(live.chatId)?.unsubscribe();
      update(live.chatId, (t) => ({ ...t, streaming: false }));
    }
  };

  const composer =
    variant === 'tracked'
      ? [
          h('textarea', { key: 'f', name: 'prompt', 'aria-label': 'Message', rows: 2, value: draft, onChange: (e: React.ChangeEvent<HTMLTextAreaElement>) => setDraft(e.target.value) }),
          h('button', { key: 's', type: 'submit', disabled: !!live }, 'Send'),
          live && h('button', { key: 'x', type: 'button', className: 'stop', onClick: stop }, 'Stop'),
        ]
      : [
          h('input', { key: 'f', name: 'message', placeholder: 'Ask anything', autoComplete: 'off', value: draft, onChange: (e: React.ChangeEvent<HTMLInputElement>) => setDraft(e.target.value) }),
          h('button', { key: 's', type: 'submit', 'aria-label': 'Send message', disabled: !!live }, icon('M3 20l18-8L3 4v6l12 2-12 2z')),
          live && h('button', { key: 'x', type: 'button', 'aria-label': 'Stop generating', onClick: stop }, icon('M6 6h12v12H6z')),
        ];
  return h(
    'main',
    null,
    h('h1', null, 'Chat'),
    turns.map((t) => h('section', { key: t.chatId }, h('div', { className: 'user' }, t.prompt), t.answer !== null && h('div', { className: 'answer' }, t.answer))),
    h('form', { onSubmit: send }, composer),
  );
}

createRoot(rootEl).render(h(App));
