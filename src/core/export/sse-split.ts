/**
 * Splits an SSE body into its raw message blocks (each with the blank line that ends it), so
 * a body imported in one piece can become one event per message while the concatenation of
 * the events stays byte-identical to the body the framers expect.
 */
import { sseBlockMessages } from '../parse/sse-block';

/** Raw blocks; joined they give back `text` exactly. A trailing unterminated block is kept. */
export function splitSseBlocks(text: string): string[] {
  const blocks: string[] = [];
  const re = /\r\n|\r|\n/g;
  let blockStart = 0;
  let lineStart = 0;
  let content = false;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const empty = m.index === lineStart;
    lineStart = m.index + m[0].length;
    if (!empty) content = true;
    else if (content) {
      blocks.push(text.slice(blockStart, lineStart));
      blockStart = lineStart;
      content = false;
    }
  }
  if (blockStart < text.length) blocks.push(text.slice(blockStart));
  return blocks;
}

export interface SseMessage {
  event: string;
  id: string | null;
  data: string;
}

/** The message a complete block dispatches (WHATWG rules), or null (comments, no data). */
export function parseSseBlock(block: string): SseMessage | null {
  return sseBlockMessages(block.replace(/^\ufeff/, '')).messages.at(-1) ?? null;
}
