/**
 * Export what is shown as a trace (our JSON) or a HAR. Redaction is on by default; the dialog
 * lists what it replaced and offers an opt-out for this one export. The file is written from
 * the core's chunk generator into a Blob and saved through an `<a download>`.
 */
import { useMemo, useState } from 'preact/hooks';
import type { PanelStore } from '../store';
import { browserName, extensionVersion } from '../host';
import { buildExport, fallbackMeta, metaOf, redactionLines, type ExportFormat, type ExportRequest } from '../logic/exchange';
import { Modal } from './Modal';

function exportRequest(store: PanelStore, format: ExportFormat, redact: boolean): ExportRequest {
  const s = store.source.value;
  const data = store.data;
  const flags = store.findings.flags.value;
  let info;
  if (s.kind === 'stored') info = metaOf(s.info);
  else if (s.kind === 'imported') info = metaOf(s.sessions[s.index]!.info);
  else {
    const id = store.sessions.liveId.value;
    const listed = store.sessions.list.value?.find((x) => x.id === id);
    info = listed ? metaOf(listed) : fallbackMeta(id, store.tabId.value, store.captureState.state.value?.origin ?? '', data);
  }
  return { format, redact, sessions: [{ info, data }], environment: { browser: browserName(), extensionVersion: extensionVersion(), pageUrl: info.url, userAgent: navigator.userAgent }, flags, mocks: store.mocks.list.value };
}

function download(name: string, mime: string, chunks: Iterable<string>): void {
  const blob = new Blob([...chunks], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference once started; free ours a little later.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function ExportDialog({ store }: { store: PanelStore }) {
  const [format, setFormat] = useState<ExportFormat>('trace');
  const [redact, setRedact] = useState(true);
  const [saved, setSaved] = useState<string | null>(null);
  const close = () => (store.exchange.exportOpen.value = false);
  const version = store.version.value;
  // The report is the redaction of exactly what will be written (computed once per choice).
  const file = useMemo(() => buildExport(exportRequest(store, format, true)), [format, version, store.source.value]);
  const lines = redactionLines(file.report);
  const connections = store.data.capture.size;
  const save = () => {
    const out = redact ? file : buildExport(exportRequest(store, format, false));
    download(out.fileName, out.mime, out.chunks());
    setSaved(out.fileName);
  };
  return (
    <Modal label="Export" onClose={close} class="export-dialog">
      <fieldset>
        <legend>Format</legend>
        <label>
          <input type="radio" name="format" checked={format === 'trace'} onChange={() => setFormat('trace')} /> Trace JSON (everything: events, faults, verdicts, flags)
        </label>
        <label>
          <input type="radio" name="format" checked={format === 'har'} onChange={() => setFormat('har')} /> HAR (opens in the Network panel and HAR viewers)
        </label>
      </fieldset>
      <fieldset>
        <legend>Redaction</legend>
        <p>
          {file.report.count === 0 ? 'Nothing to redact was found.' : `${file.report.count} value${file.report.count === 1 ? '' : 's'} will be replaced by [REDACTED]:`}
        </p>
        {lines.length > 0 && (
          <ul class="redactions" aria-label="Redacted">
            {lines.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        )}
        <label class={redact ? undefined : 'warn'}>
          <input type="checkbox" checked={!redact} onChange={(e) => setRedact(!e.currentTarget.checked)} /> Keep secrets in this export (no redaction)
        </label>
      </fieldset>
      <footer class="modal-foot">
        <span class="muted">
          {connections} connection{connections === 1 ? '' : 's'} → <code>{file.fileName}</code>
        </span>
        <span class="spacer" />
        {saved && (
          <span class="ok" role="status">
            Saved {saved}
          </span>
        )}
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button type="button" class="primary" onClick={save} disabled={connections === 0}>
          Download
        </button>
      </footer>
    </Modal>
  );
}
