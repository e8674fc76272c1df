/** Text a user copies out of a connection: the request as a command, the whole received body. */
import type { ConnectionCapture } from '../src/core/trace/model';
import { copyCommand, type CopyFormat, type CopyRequest } from './logic/copy-as';

export { COPY_ACTIONS, type CopyAction, type CopyFormat } from './logic/copy-as';

/** Captured and imported connections alike: a HAR file's entries arrive as the same summary. */
function requestOf(conn: ConnectionCapture): CopyRequest {
  const s = conn.summary;
  return { method: s.method, url: s.url, headers: s.requestHeaders, body: s.requestBodyPreview ?? null, streaming: s.streaming };
}

export function copyOf(conn: ConnectionCapture, format: CopyFormat, secrets = false): string {
  return copyCommand(requestOf(conn), format, secrets);
}

/** "Copy as cURL": bash, secrets redacted. */
export function curlOf(conn: ConnectionCapture): string {
  return copyOf(conn, 'curl-bash');
}

export function receivedText(conn: ConnectionCapture): string {
  return conn.events
    .filter((e) => e.dir === 'in')
    .map((e) => e.text ?? '')
    .join(conn.summary.kind === 'fetch' || conn.summary.kind === 'xhr' ? '' : '\n');
}
