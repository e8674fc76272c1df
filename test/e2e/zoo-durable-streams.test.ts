/** The Durable Streams family (@durable-streams/server, @durable-streams/client): see test/zoo/family.ts. */
import { durableStreamsVariants } from '../zoo/durable-streams';
import { zooFamily } from '../zoo/family';

zooFamily('durable-streams', 'Durable Streams (@durable-streams/server, @durable-streams/client)', durableStreamsVariants, 'How does a durable stream survive a dropped connection?');
