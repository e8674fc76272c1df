/**
 * Tests & findings: run the three validation tests (with progress and cancel), their verdict
 * cards, and the passive flags — each with evidence that selects what it names, and a Learn
 * more that explains it (the README's Findings section, by the same anchors).
 */
import type { Evidence, Flag, Verdict } from '../../src/core/analysis';
import type { TestRunRecord } from '../../src/core/trace/session';
import type { PanelConnection } from '../connect';
import { cancelTest, startTest } from '../actions';
import { formatClock, formatDuration } from '../format';
import { FLAG_EXPLANATIONS, TEST_EXPLANATIONS } from '../logic/explanations';
import { TESTS, VERDICT_LABELS, evidenceTarget, latestRuns, sortFlags, testName, type TestOptionsForm } from '../logic/findings';
import { selectEvidence, type PanelStore } from '../store';

function EvidenceList({ store, items }: { store: PanelStore; items: Evidence[] }) {
  if (items.length === 0) return null;
  return (
    <ul class="evidence" aria-label="Evidence">
      {items.map((ev, i) => {
        const target = evidenceTarget(ev, store.capture);
        const extra = [ev.time ? formatClock(ev.time) : '', ev.text ? `“${ev.text.slice(0, 120)}${ev.text.length > 120 ? '…' : ''}”` : ''].filter(Boolean).join(' · ');
        return (
          <li key={i}>
            {target ? (
              <button type="button" class="link" title="Select the connection (and event) this names" onClick={() => selectEvidence(store, ev)}>
                {ev.label}
              </button>
            ) : (
              <span title={ev.connectionId ? 'Names a connection of another tab, not in this capture' : undefined}>{ev.label}</span>
            )}
            {extra && <span class="muted"> {extra}</span>}
          </li>
        );
      })}
    </ul>
  );
}

function LearnMore({ anchor, title, text }: { anchor: string; title: string; text: string }) {
  return (
    <details class="learn-more">
      <summary>Learn more</summary>
      <p>{text}</p>
      <p class="muted">
        README → Findings → <code>{anchor}</code> ({title})
      </p>
    </details>
  );
}

function VerdictCard({ store, run }: { store: PanelStore; run: TestRunRecord }) {
  const v: Verdict = run.verdict;
  const info = TEST_EXPLANATIONS[v.test];
  return (
    <article class={`card verdict-${v.verdict}`} aria-label={`${testName(v.test)} verdict`} data-test={v.test} data-verdict={v.verdict}>
      <header>
        <span class={`verdict-badge ${v.verdict}`}>{VERDICT_LABELS[v.verdict]}</span>
        <strong>{testName(v.test)}</strong>
        <span class="muted">
          {formatClock(run.endedAt)} · took {formatDuration(run.endedAt - run.startedAt)}
        </span>
      </header>
      <p class="reason">{v.reason}</p>
      <EvidenceList store={store} items={v.evidence} />
      {v.advice && (
        <p class="advice">
          <strong>Advice:</strong> {v.advice}
        </p>
      )}
      <LearnMore anchor={`#${v.test}`} title={info.title} text={info.text} />
    </article>
  );
}

function FlagCard({ store, flag }: { store: PanelStore; flag: Flag }) {
  const info = FLAG_EXPLANATIONS[flag.id];
  return (
    <article class={`card flag severity-${flag.severity}`} aria-label={`Flag ${flag.id}`} data-flag={flag.id}>
      <header>
        <span class={`severity ${flag.severity}`}>{flag.severity}</span>
        <strong>{info?.title ?? flag.id}</strong>
        <code class="muted">{flag.id}</code>
      </header>
      <p class="reason">{flag.message}</p>
      <EvidenceList store={store} items={flag.evidence} />
      {info && <LearnMore anchor={flag.learnMore} title={info.title} text={info.text} />}
    </article>
  );
}

function Options({ store, disabled }: { store: PanelStore; disabled: boolean }) {
  const form = store.tests.form.value;
  const field = (key: keyof TestOptionsForm, label: string, placeholder: string, width: number) => (
    <label>
      {label}{' '}
      <input type="text" style={{ width: `${width}px` }} disabled={disabled} placeholder={placeholder} value={form[key]} onInput={(e) => (store.tests.form.value = { ...store.tests.form.value, [key]: e.currentTarget.value })} />
    </label>
  );
  return (
    <fieldset class="test-options">
      <legend>Options</legend>
      {field('timeoutSeconds', 'Timeout (s)', '15', 44)}
      {field('dropAfterEvents', 'Drop after N events', '5', 44)}
      {field('secondTabUrl', 'Second-tab URL', 'this page', 220)}
      {field('stopSelector', 'Stop selector', 'found by its name', 140)}
    </fieldset>
  );
}

function Tests({ store, connection }: { store: PanelStore; connection: PanelConnection | null }) {
  const running = store.tests.running.value;
  const readOnly = store.readOnly.value;
  return (
    <section class="tests" aria-label="Validation tests">
      <h2>Validation tests</h2>
      {readOnly && <p class="muted">Tests run against the live tab: go back to live to run them.</p>}
      <div class="test-list">
        {TESTS.map((t) => (
          <div class="test-row" key={t.id}>
            <button type="button" disabled={readOnly || running !== null} onClick={() => startTest(store, connection, t.id)} aria-label={`Run ${t.name}`}>
              Run
            </button>
            <strong>{t.name}</strong>
            <span class="muted">
              {t.capability} — {t.what}
            </span>
          </div>
        ))}
      </div>
      <Options store={store} disabled={readOnly || running !== null} />
      {store.tests.error.value && (
        <p class="error" role="alert">
          {store.tests.error.value}
        </p>
      )}
      {running && (
        <div class="progress" role="status" aria-label="Test progress">
          <span class="spinner" aria-hidden="true" />
          <strong>{testName(running.test)}</strong>: {running.step} <span class="muted">({formatDuration(running.elapsedMs)})</span>
          {running.step === 'starting' && <span class="muted"> — start a generation in the page if none is streaming</span>}
          <button type="button" onClick={() => cancelTest(store, connection)}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}

export function FindingsView({ store, connection }: { store: PanelStore; connection: PanelConnection | null }) {
  void store.version.value;
  const runs = latestRuns(store.data.testRuns);
  const flags = sortFlags(store.findings.flags.value);
  const summary = store.findings.summary.value;
  return (
    <div class="findings" aria-label="Tests and findings">
      <p class={`trap-summary ${summary.trapped === true ? 'bad' : summary.trapped === false ? 'ok' : 'unknown'}`} role="status">
        {summary.text}
      </p>
      <Tests store={store} connection={connection} />
      <section aria-label="Verdicts">
        <h2>Verdicts</h2>
        {runs.length === 0 ? <p class="muted">No test has run yet{store.readOnly.value ? ' in this capture' : ''}.</p> : runs.map((r) => <VerdictCard key={r.id} store={store} run={r} />)}
      </section>
      <section aria-label="Passive flags">
        <h2>Passive flags ({flags.length})</h2>
        {flags.length === 0 ? <p class="muted">No signs of the trap in the traffic so far. Flags appear as AI streams are captured.</p> : flags.map((f, i) => <FlagCard key={`${f.id}-${i}`} store={store} flag={f} />)}
      </section>
    </div>
  );
}
