/**
 * The tRPC v11 family: the same chat on @trpc/server's standalone adapter and @trpc/client's
 * httpSubscriptionLink (SSE), in the two ways a tRPC app can own a streamed answer.
 */
import type { ZooVariant } from '../types';
import { startTrpcApp } from './server';

export const trpcVariants: ZooVariant[] = [
  {
    // Everything right: the server owns the generation; tracked ids resume, any tab follows and stops it.
    id: 'trpc-tracked',
    start: () => startTrpcApp('tRPC v11 (httpSubscriptionLink, tracked() ids, server-side generation, chat.cancel)', 'tracked'),
  },
  {
    // The trap: the subscription is the generation; a reconnect regenerates, other tabs see nothing.
    id: 'trpc-untracked',
    start: () => startTrpcApp('tRPC v11 (httpSubscriptionLink, generation inside the subscription, no ids)', 'untracked'),
  },
];
