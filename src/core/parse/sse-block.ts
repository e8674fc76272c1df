/**
 * The messages an SSE block dispatches, read as an EventSource reads them (WHATWG HTML
 * §9.2.6 "Interpreting an event stream"): `field: value` lines, one space after the colon
 * dropped; `data` lines joined by "\n"; `event` names the type ("message" when none); `id`
 * sets the last event id (ignored when it has a NUL); `retry` (digits only) the reconnection
 * time; a line starting with ":" is a comment; a blank line dispatches. A block may hold
 * several events; the last one dispatches at the block's end, as a mock's block is whole.
 */
export interface SseBlockMessage {
  event: string;
  data: string;
  /** The id this message carries (the last `id:` before it), null when none was set. */
  id: string | null;
}

export function sseBlockMessages(block: string): { messages: SseBlockMessage[]; retryMs: number | null } {
  const messages: SseBlockMessage[] = [];
  let retryMs: number | null = null;
  let data: string[] = [];
  let event = '';
  let id: string | null = null;
  const dispatch = () => {
    // An event with no data line dispatches nothing (the spec's empty data buffer).
    if (data.length > 0) messages.push({ event: event === '' ? 'message' : event, data: data.join('\n'), id });
    data = [];
    event = '';
  };
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (line === '') {
      dispatch();
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
  }
  dispatch();
  return { messages, retryMs };
}
