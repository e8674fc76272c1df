/**
 * Two connected ends in one process, for tests and for the panel's inline shell: messages are
 * cloned (as a port would serialize them) and delivered asynchronously (as a port does), so
 * code that works over this works over a real port too.
 */
import type { Transport } from '../kit';
import { listeners } from './listeners';

export interface MemoryPair {
  a: Transport;
  b: Transport;
  /** Cuts the pair as a worker restart cuts a port: both ends hear the disconnect. */
  cut(): void;
}

export function memoryPair(): MemoryPair {
  let open = true;
  const make = () => ({ messages: listeners<[unknown]>(), connected: listeners<[boolean]>(), disconnected: listeners<[]>() });
  const ends = [make(), make()];
  const cut = () => {
    if (!open) return;
    open = false;
    for (const e of ends) e.disconnected.emit();
  };
  const side = (self: number): Transport => {
    const other = ends[1 - self]!;
    const mine = ends[self]!;
    return {
      post(msg) {
        if (!open) return;
        const copy = structuredClone(msg);
        queueMicrotask(() => {
          if (open) other.messages.emit(copy);
        });
      },
      onMessage: mine.messages.add,
      onConnect(listener) {
        if (open) listener(true);
        return () => undefined;
      },
      onDisconnect: mine.disconnected.add,
      close: cut,
    };
  };
  return { a: side(0), b: side(1), cut };
}
