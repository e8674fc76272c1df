/** The Socket.IO family (socket.io, socket.io-client, connection-state recovery, rooms): see test/zoo/family.ts. */
import { socketioVariants } from '../zoo/socketio';
import { zooFamily } from '../zoo/family';

zooFamily('socketio', 'Socket.IO (socket.io, socket.io-client)', socketioVariants, 'How do durable chat sessions survive a dropped connection?');
