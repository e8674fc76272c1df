/**
 * The Vercel AI SDK family (ai + @ai-sdk/react + resumable-stream on Redis), in variants that
 * pass and fail the three validation tests. What each does is measured by the oracle; the
 * comments say what we expect and why.
 */
import type { ZooVariant } from '../types';
import { startAiSdkApp } from './server';

export const aiSdkVariants: ZooVariant[] = [
  {
    // The default: useChat + POST /api/chat with the generation tied to the request. A drop ends
    // the answer with an error; a second tab is a new empty chat; Stop aborts the fetch.
    id: 'ai-sdk-plain',
    start: () =>
      startAiSdkApp({ name: 'AI SDK (plain useChat, POST stream)', resumable: false, cancelEndpoint: false, chat: 'hook', composer: 'textarea' }),
  },
  {
    // resumable-stream + GET /api/chat/:id/stream, useChat({ chat, resume: true }) with the app's
    // own Chat, resume after a network error, and Stop that POSTs /api/chat/:id/cancel.
    id: 'ai-sdk-resumable',
    start: () =>
      startAiSdkApp({ name: 'AI SDK (resumable-stream, cancel endpoint)', resumable: true, cancelEndpoint: true, chat: 'instance', composer: 'input' }),
  },
  {
    // The same server without the cancel endpoint, and the client as most apps write it:
    // useChat({ id, transport, resume: true }) builds the Chat. Stop only aborts this tab's fetch.
    id: 'ai-sdk-resumable-local-stop',
    start: () =>
      startAiSdkApp({ name: 'AI SDK (resumable-stream, useChat-built Chat, local Stop)', resumable: true, cancelEndpoint: false, chat: 'hook', composer: 'icon' }),
  },
];
