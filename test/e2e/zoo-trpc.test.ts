/** The tRPC v11 family (SSE subscriptions, tracked ids): see test/zoo/family.ts. */
import { trpcVariants } from '../zoo/trpc';
import { zooFamily } from '../zoo/family';

zooFamily('trpc', 'tRPC v11 (@trpc/server, @trpc/client, SSE subscriptions)', trpcVariants, 'How does a tRPC subscription survive a dropped connection?');
