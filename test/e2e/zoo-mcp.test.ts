/** The MCP TypeScript SDK family (Streamable HTTP, event store): see test/zoo/family.ts. */
import { mcpVariants } from '../zoo/mcp';
import { zooFamily } from '../zoo/family';

zooFamily('mcp', 'MCP TypeScript SDK (@modelcontextprotocol/sdk, Streamable HTTP)', mcpVariants, 'What can a tool call stream back to the client?');
