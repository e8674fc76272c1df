/** The MCP TypeScript SDK family: a chat tool streamed as progress over Streamable HTTP. */
import type { ZooVariant } from '../types';
import { startMcpApp } from './server';

export const mcpVariants: ZooVariant[] = [
  {
    // The SDK's resumability: an event store on the server transport; the client transport resumes a dropped POST stream with GET + Last-Event-ID.
    id: 'mcp-event-store',
    start: () => startMcpApp({ name: 'MCP SDK (Streamable HTTP, event store)', eventStore: true, shared: false, composer: 'textarea' }),
  },
  {
    // No event store: no priming event id, so the client transport does not reconnect a dropped POST stream.
    id: 'mcp-no-store',
    start: () => startMcpApp({ name: 'MCP SDK (Streamable HTTP, no event store)', eventStore: false, shared: false, composer: 'input-icon' }),
  },
  {
    // Event store + generations kept server-side by a chat id in the URL: another tab watches and stops them with tools.
    id: 'mcp-shared-chat',
    start: () => startMcpApp({ name: 'MCP SDK (Streamable HTTP, event store, shared chat tools)', eventStore: true, shared: true, composer: 'textarea-icon' }),
  },
];
