/**
 * The Mocks drawer: start a mock from a protocol template or a file, edit its steps and delays
 * in a table, insert a stall, drop or duplicate at a point, and arm it for a URL of this tab
 * (its next matching request, WebSocket or EventSource is answered from the mock). What was armed is listed with
 * whether the page has made that request since.
 */
import { useRef } from 'preact/hooks';
import type { PanelConnection } from '../connect';
import type { PanelStore } from '../store';
import { TEMPLATE_IDS, TEMPLATE_LABELS, TEMPLATE_TRANSPORT, type MockStep, type MockTransport, type TemplateId } from '../../src/core/mock';
import { armCurrent, current, fromFile, fromTemplate, insertAt, removeAt, setRequest, setStep } from '../mocks';
import { showNote } from '../clipboard';

/** Rows drawn: a mock may have far more steps than a table should hold. */
const SHOWN_STEPS = 500;

function delayOf(s: MockStep): number {
  return s.kind === 'stall' ? s.ms : s.delayMs;
}

function withDelay(s: MockStep, ms: number): MockStep {
  return s.kind === 'stall' ? { ...s, ms } : { ...s, delayMs: ms };
}

function StepRow({ store, step, index }: { store: PanelStore; step: MockStep; index: number }) {
  const mocks = store.mocks;
  const label = step.kind === 'stall' ? 'Stall (ms)' : 'Delay before (ms)';
  return (
    <tr class={`mock-step mock-${step.kind}`}>
      <td>{index + 1}</td>
      <td>{step.kind}</td>
      <td>
        <input
          type="text"
          inputMode="numeric"
          aria-label={`${label}, step ${index + 1}`}
          style={{ width: '64px' }}
          value={String(delayOf(step))}
          onChange={(e) => {
            const ms = Number(e.currentTarget.value);
            if (!Number.isFinite(ms) || ms < 0 || e.currentTarget.value.trim() === '') {
              mocks.error.value = `step ${index + 1}: the delay must be a number of ms, 0 or more`;
              e.currentTarget.value = String(delayOf(step));
            } else setStep(mocks, index, withDelay(step, ms));
          }}
        />
      </td>
      <td class="mock-data">
        {step.kind === 'event' ? (
          <textarea aria-label={`Data, step ${index + 1}`} rows={Math.min(4, step.data.split('\n').length)} value={step.data} onChange={(e) => setStep(mocks, index, { ...step, data: e.currentTarget.value })} />
        ) : (
          <span class="muted">{stepNote(step, current(mocks)?.transport)}</span>
        )}
      </td>
      <td class="mock-actions">
        <button type="button" title="Insert a 2 s stall before this step" onClick={() => insertAt(mocks, index, { kind: 'stall', ms: 2000 })}>+ stall</button>
        <button type="button" title="Insert a drop before this step (the steps after it go)" onClick={() => insertAt(mocks, index, { kind: 'drop', delayMs: 0 })}>+ drop</button>
        <button type="button" title="Send the previous event again before this step" disabled={index === 0} onClick={() => insertAt(mocks, index, { kind: 'duplicate', delayMs: 0 })}>+ duplicate</button>
        <button type="button" aria-label={`Remove step ${index + 1}`} onClick={() => removeAt(mocks, index)}>×</button>
      </td>
    </tr>
  );
}

/** What a step without data does, in the words of the mock's transport. */
function stepNote(step: MockStep, transport: MockTransport | undefined): string {
  if (step.kind === 'close') return `the server closes the socket cleanly (code ${step.code}${step.reason ? `, “${step.reason}”` : ''})`;
  if (step.kind === 'drop') return transport === 'websocket' ? 'the connection is lost here (close 1006, not clean)' : transport === 'eventsource' ? 'the stream fails here (the EventSource reconnects)' : 'the connection fails here';
  return step.kind === 'duplicate' ? 'the previous event again' : 'nothing is sent';
}

const ANSWERS: Record<MockTransport | 'http', string> = { http: 'fetch / XHR', websocket: 'WebSocket', eventsource: 'EventSource' };

function Editor({ store, connection }: { store: PanelStore; connection: PanelConnection | null }) {
  const mocks = store.mocks;
  const mock = current(mocks);
  if (!mock) return <p class="muted">No mock yet: start one from a template or load a file.</p>;
  const steps = mock.steps;
  const end = steps.length;
  return (
    <div class="mock-editor">
      <div class="mock-request">
        <select aria-label="Mock" value={String(mocks.selected.value)} onChange={(e) => (mocks.selected.value = Number(e.currentTarget.value))}>
          {mocks.list.value.map((m, i) => (
            <option key={i} value={String(i)}>
              {m.name}
            </option>
          ))}
        </select>
        <span class="muted" aria-label="Answers">answers a {ANSWERS[mock.transport ?? 'http']}</span>
        {!mock.transport && (
          <select aria-label="Request method" value={mock.request.method} onChange={(e) => setRequest(mocks, e.currentTarget.value, mock.request.url)}>
            {['GET', 'POST', 'PUT', 'PATCH'].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        )}
        <input type="text" aria-label="Request URL or pattern" title="A * matches within one path segment" style={{ width: '360px' }} value={mock.request.url} onChange={(e) => {
            // Refused: the field shows the URL the mock still has, not the one that was not taken.
            if (!setRequest(mocks, mock.request.method, e.currentTarget.value.trim())) e.currentTarget.value = mock.request.url;
          }} />
        <button
          type="button"
          disabled={!connection || store.readOnly.value}
          onClick={async () => {
            if (await armCurrent(mocks, connection)) showNote(`Mock armed: the page’s next matching ${mock.transport === 'websocket' ? 'WebSocket' : mock.transport === 'eventsource' ? 'EventSource' : 'request'} is answered from it`, 4000);
          }}
        >
          Arm for this tab
        </button>
      </div>
      <table class="mock-steps" aria-label="Mock steps">
        <thead>
          <tr>
            <th>#</th>
            <th>Step</th>
            <th>ms</th>
            <th>Data</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {steps.slice(0, SHOWN_STEPS).map((s, i) => (
            <StepRow key={i} store={store} step={s} index={i} />
          ))}
        </tbody>
      </table>
      {steps.length > SHOWN_STEPS && <p class="muted">{steps.length - SHOWN_STEPS} more steps are not shown.</p>}
      <div class="mock-append">
        <button type="button" onClick={() => insertAt(mocks, end, { kind: 'event', delayMs: 50, data: mock.transport === 'websocket' ? '{}' : 'data: {}\n\n' })}>Add event</button>
        <button type="button" onClick={() => insertAt(mocks, end, { kind: 'stall', ms: 2000 })}>Add stall</button>
        <button type="button" disabled={!steps.some((s) => s.kind === 'event')} onClick={() => insertAt(mocks, end, { kind: 'duplicate', delayMs: 0 })}>Add duplicate</button>
        <button type="button" disabled={steps.at(-1)?.kind === 'drop' || steps.at(-1)?.kind === 'close'} onClick={() => insertAt(mocks, end, { kind: 'drop', delayMs: 0 })}>Add drop</button>
        {mock.transport === 'websocket' && (
          <button type="button" disabled={steps.at(-1)?.kind === 'drop' || steps.at(-1)?.kind === 'close'} onClick={() => insertAt(mocks, end, { kind: 'close', delayMs: 0, code: 1000, reason: '' })}>Add close</button>
        )}
      </div>
    </div>
  );
}

function Armed({ store }: { store: PanelStore }) {
  const armed = store.mocks.armed.value;
  const served = store.mocks.served.value;
  if (armed.length === 0) return null;
  return (
    <ul class="armed" aria-label="Armed mocks">
      {armed.map((a, i) => (
        <li key={i}>
          {a.name}: {a.method} {a.url} <span class="muted">· {served[i] ? 'served' : 'waiting for the request'}</span>
        </li>
      ))}
    </ul>
  );
}

export function MocksView({ store, connection }: { store: PanelStore; connection: PanelConnection | null }) {
  const mocks = store.mocks;
  const file = useRef<HTMLInputElement>(null);
  const form = mocks.form.value;
  const set = (patch: Partial<typeof form>) => (mocks.form.value = { ...mocks.form.value, ...patch });
  return (
    <section class="mocks-drawer" role="dialog" aria-label="Mocks">
      <header>
        <strong>Mocks</strong>
        <select aria-label="Template" value={form.template} onChange={(e) => set({ template: e.currentTarget.value as TemplateId })}>
          {TEMPLATE_IDS.map((id) => (
            <option key={id} value={id}>
              {TEMPLATE_LABELS[id]}
            </option>
          ))}
        </select>
        <input type="text" aria-label="Answer text" style={{ width: '240px' }} value={form.answer} onInput={(e) => set({ answer: e.currentTarget.value })} />
        <input type="text" aria-label="URL it answers" placeholder="URL it answers (optional)" style={{ width: '240px' }} value={form.url} onInput={(e) => set({ url: e.currentTarget.value })} />
        {!TEMPLATE_TRANSPORT[form.template] && (
          <label title="Answer the page's new EventSource(url) with the template's events instead of a fetch">
            <input type="checkbox" checked={form.eventSource} onChange={(e) => set({ eventSource: e.currentTarget.checked })} /> EventSource
          </label>
        )}
        <button type="button" onClick={() => fromTemplate(mocks, mocks.form.value.template, mocks.form.value.answer, mocks.form.value.url, !TEMPLATE_TRANSPORT[mocks.form.value.template] && mocks.form.value.eventSource)}>New from template</button>
        <button type="button" onClick={() => file.current?.click()}>Load file…</button>
        <input
          ref={file}
          type="file"
          class="sr"
          aria-label="Load a mock file"
          accept=".sse,.txt,.ndjson,.jsonl,.json,.har"
          tabIndex={-1}
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (f) void fromFile(mocks, f, mocks.form.value.url);
          }}
        />
        <span class="spacer" />
        <button type="button" aria-label="Close mocks" onClick={() => (mocks.open.value = false)}>
          ×
        </button>
      </header>
      {mocks.error.value && (
        <p class="error" role="alert">
          {mocks.error.value}
        </p>
      )}
      <Editor store={store} connection={connection} />
      <Armed store={store} />
    </section>
  );
}
