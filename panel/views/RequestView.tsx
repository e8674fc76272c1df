import type { ConnectionCapture } from '../../src/core/trace/model';
import type { Header } from '../../src/core/trace/records';
import { copyText } from '../clipboard';
import { formatClock } from '../format';
import { curlOf } from '../requests';

function Headers({ label, headers }: { label: string; headers: Header[] }) {
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
  const curl = curlOf(conn);
  return (
    <div class="request">
      <section>
        <h3>General</h3>
        <dl class="headers">
          <div><dt>URL</dt><dd>{s.url}</dd></div>
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
          <button type="button" onClick={() => void copyText(curl, 'cURL command')}>
            Copy as cURL
          </button>
        </h3>
        <pre class="curl" aria-label="cURL command">{curl}</pre>
      </section>
      <Headers label="Request headers" headers={s.requestHeaders} />
      {s.requestBodyPreview && (
        <section>
          <h3>Request body</h3>
          <pre class="raw">{s.requestBodyPreview}</pre>
        </section>
      )}
      <Headers label="Response headers" headers={s.responseHeaders} />
    </div>
  );
}
