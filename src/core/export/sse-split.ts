/**
 * Splits an SSE body into its raw message blocks (each with the blank line that ends it), so
 * a body imported in one piece can become one event per message while the concatenation of
 * the events stays byte-identical to the body the framers expect.
 */

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
  let event = '';
  let id: string | null = null;
  const data: string[] = [];
  for (const line of block.replace(/^\ufeff/, '').split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  }
  if (data.length === 0) return null;
  return { event: event || 'message', id, data: data.join('\n') };
}
