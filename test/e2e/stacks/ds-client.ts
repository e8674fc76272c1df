/**
 * The Durable Streams page client for the stacks e2e test: @durable-streams/client's own
 * `stream()` following a stream until it closes, with `live: 'sse'` or `live: 'long-poll'`.
 * Returns the text of the app's `token` items, as a chat page would render it.
 */
import { stream } from '@durable-streams/client';

type Item = { type: string; text?: string };

async function dsRead(url: string, live: 'sse' | 'long-poll'): Promise<string> {
  const res = await stream<Item>({ url, offset: '-1', live, warnOnHttp: false });
  let text = '';
  await new Promise<void>((resolve, reject) => {
    res.subscribeJson((batch) => {
      for (const item of batch.items) if (item.type === 'token') text += item.text ?? '';
      if (batch.streamClosed) resolve();
    });
    res.closed.then(() => resolve(), reject);
  });
  return text;
}

(window as unknown as { dsRead: typeof dsRead }).dsRead = dsRead;
