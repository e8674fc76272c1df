/**
 * The Socket.IO family: the same chat on the real socket.io server and socket.io-client,
 * in variants that differ only in library options and emit targets a real app chooses.
 */
import type { ZooVariant } from '../types';
import { startSocketioApp } from './server';

export const socketioVariants: ZooVariant[] = [
  {
    // Everything right: recovery replays missed room events, tabs share a room, Stop cancels.
    id: 'socketio-recovery',
    start: () =>
      startSocketioApp('socket.io (connection-state recovery, conversation rooms, cancel event)', {
        recovery: true,
        rooms: true,
        stop: 'cancel',
        composer: 'textarea',
      }),
  },
  {
    // The trap: tokens go to the socket that asked; a drop or Stop kills the generation.
    id: 'socketio-plain',
    start: () =>
      startSocketioApp('socket.io (defaults, socket.emit to the asking socket)', {
        recovery: false,
        rooms: false,
        stop: 'disconnect',
        composer: 'input',
      }),
  },
  {
    // Rooms and cancel but no recovery: tabs share the stream, a reconnect leaves a gap.
    id: 'socketio-rooms',
    start: () =>
      startSocketioApp('socket.io (conversation rooms, cancel event, no recovery)', {
        recovery: false,
        rooms: true,
        stop: 'cancel',
        composer: 'icon',
      }),
  },
  {
    // Everything right, over Engine.IO long-polling only (fetch polling: no WebSocket at all).
    id: 'socketio-polling',
    start: () =>
      startSocketioApp('socket.io polling only (connection-state recovery, conversation rooms, cancel event)', {
        recovery: true,
        rooms: true,
        stop: 'cancel',
        composer: 'textarea',
        polling: 'fetch',
      }),
  },
  {
    // Recovery but per-socket: a drop is healed, yet no other tab can see or stop the stream.
    id: 'socketio-recovery-solo',
    start: () =>
      startSocketioApp('socket.io (connection-state recovery, socket.emit only, local stop)', {
        recovery: true,
        rooms: false,
        stop: 'ignore',
        composer: 'textarea',
      }),
  },
];
