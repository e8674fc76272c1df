/** Text a user copies out of a connection: the request as cURL, the whole received body. */
import type { ConnectionCapture } from '../src/core/trace/model';
import { toCurl } from './logic/curl';

export function curlOf(conn: ConnectionCapture): string {
  const s = conn.summary;
  return toCurl({ method: s.method, url: s.url, headers: s.requestHeaders, body: s.requestBodyPreview ?? null, streaming: s.streaming });
}

export function receivedText(conn: ConnectionCapture): string {
  return conn.events
    .filter((e) => e.dir === 'in')
    .map((e) => e.text ?? '')
    .join(conn.summary.kind === 'fetch' || conn.summary.kind === 'xhr' ? '' : '\n');
}
