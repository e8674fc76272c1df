/**
 * An in-memory EventStore for StreamableHTTPServerTransport (the SDK's EventStore interface).
 *
 * Why not the SDK's own examples/shared/inMemoryEventStore.js: its ids are
 * `${streamId}_${Date.now()}_${random}` and replay sorts them as strings, so two events stored
 * in the same millisecond (the last progress notification and the tool result often are)
 * replay in random order, and an event that sorts before the Last-Event-ID is skipped. A
 * per-store sequence number keeps the order the server wrote them in, which is all the
 * transport needs.
 */
import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export class OrderedEventStore implements EventStore {
  private seq = 0;
  private readonly events: Array<{ id: string; streamId: string; message: JSONRPCMessage }> = [];

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${streamId}_${String(++this.seq).padStart(8, '0')}`;
    this.events.push({ id, streamId, message });
    return id;
  }

  async replayEventsAfter(lastEventId: string, { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> }): Promise<string> {
    const at = this.events.findIndex((e) => e.id === lastEventId);
    if (at < 0) return '';
    const streamId = this.events[at]!.streamId;
    // Events stored while we replay are sent too: the transport skips them on the live path (replayedEventIds).
    for (let i = at + 1; i < this.events.length; i++) {
      const e = this.events[i]!;
      if (e.streamId === streamId && Object.keys(e.message).length) await send(e.id, e.message);
    }
    return streamId;
  }
}
