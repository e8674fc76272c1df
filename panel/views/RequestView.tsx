import { redactRequest } from '../../src/core/export/redact';
import type { ConnectionCapture } from '../../src/core/trace/model';
import type { Header } from '../../src/core/trace/records';
import { copyText } from '../clipboard';
import { formatClock } from '../format';
import { COPY_ACTIONS, copyOf, curlOf } from '../requests';
import { HideSecretsToggle } from './HideSecretsToggle';

import { hideSecrets } from '../logic/hide-secrets';

function Headers({ label, headers }: { label: string; headers: readonly Header[] }) {
  return (
    <section>
      <h3>{label}</h3>
      {headers.length === 0 ? (
        <p class="muted">none captured</p>
      ) : (
        <dl class="headers" aria-label={label}>
          {headers.map(([k, v], i) => (
            <div key={i}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

export function RequestView({ conn }: { conn: ConnectionCapture }) {
  const s = conn.summary;
  const hide = hideSecrets.value;
  const shown = hide ? redactRequest({ url: s.url, headers: s.requestHeaders, body: s.requestBodyPreview ?? null }) : { url: s.url, headers: s.requestHeaders, body: s.requestBodyPreview ?? null };
  const responseHeaders = hide ? redactRequest({ url: '', headers: s.responseHeaders, body: null }).headers : s.responseHeaders;
  const curl = curlOf(conn);
  return (
    <div class="request">
      <section>
        <h3>
          General{' '}
          <HideSecretsToggle />
        </h3>
        <dl class="headers">
          <div><dt>URL</dt><dd>{shown.url}</dd></div>
          <div><dt>Method</dt><dd>{s.method}</dd></div>
          <div><dt>Status</dt><dd>{s.status ?? '—'}</dd></div>
          <div><dt>Started</dt><dd>{formatClock(s.startedAt)}</dd></div>
          {s.endDetail && <div><dt>End detail</dt><dd>{s.endDetail}</dd></div>}
          {s.reconnects > 0 && <div><dt>Reconnects</dt><dd>{s.reconnects}</dd></div>}
        </dl>
      </section>
      <section>
        <h3>
          cURL{' '}
          {COPY_ACTIONS.filter((a) => !a.secrets).map((a) => (
            <button key={a.format} type="button" onClick={() => void copyText(copyOf(conn, a.format), a.what)} title={`${a.label}, secrets redacted (the context menu also copies with secrets)`}>
              {a.label}
            </button>
          ))}
        </h3>
        <pre class="curl" aria-label="cURL command">{curl}</pre>
      </section>
      <Headers label="Request headers" headers={shown.headers} />
      {shown.body && (
        <section>
          <h3>Request body</h3>
          <pre class="raw">{shown.body}</pre>
        </section>
      )}
      <Headers label="Response headers" headers={responseHeaders} />
    </div>
  );
}
