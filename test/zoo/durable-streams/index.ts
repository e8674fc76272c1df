/**
 * The Durable Streams family: the same chat on @durable-streams/server's reference server and
 * @durable-streams/client, read the way the library means it, or the way a hurried app does.
 */
import type { ZooVariant } from '../types';
import { startDurableStreamsApp } from './server';

export const durableStreamsVariants: ZooVariant[] = [
  {
    // Everything right, over SSE: the app reconnects a broken SSE read itself from the offset it kept.
    id: 'durable-streams-sse-offset',
    start: () => startDurableStreamsApp('Durable Streams (SSE read re-opened from the last batch offset, cancel endpoint)', 'sse-offset'),
  },
  {
    // The misuse: SSE read re-done from offset -1 on every error, history-only second tab, Stop stops reading.
    id: 'durable-streams-replay',
    start: () => startDurableStreamsApp('Durable Streams (SSE read restarted from -1 without de-duplication, no cancel)', 'replay'),
  },
  {
    // The library's default live mode: a chain of long-poll GETs; the library retries a failed poll from the same offset.
    id: 'durable-streams-long-poll',
    start: () => startDurableStreamsApp('Durable Streams (long-poll reads, library retries, re-read from the last batch offset, cancel endpoint)', 'long-poll'),
  },
  {
    // The misuse over long-poll: library retries off, the app re-reads from -1; history-only second tab, Stop stops reading.
    id: 'durable-streams-long-poll-replay',
    start: () => startDurableStreamsApp('Durable Streams (long-poll reads restarted from -1 without de-duplication, no cancel)', 'long-poll-replay'),
  },
];
