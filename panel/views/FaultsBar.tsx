/**
 * The faults toolbar: describe a fault (kind, trigger, scope, parameters), arm it or fire it
 * now, and manage what is armed — disarm, or release a stall held until released. Fired faults
 * appear on the timeline as labelled marks, where the user sees what they did to the stream.
 */
import type { PanelConnection } from '../connect';
import { armFromForm, disarm, firedCount, release } from '../actions';
import { FAULT_KINDS, TRIGGERS, describeFault, holdsUntilReleased, paramsOf, type FaultForm } from '../logic/faultForm';
import { shortUrl } from '../format';
import type { PanelStore } from '../store';

function NumberField({ store, field, label, unit, width = 52 }: { store: PanelStore; field: keyof FaultForm; label: string; unit: string; width?: number }) {
  const form = store.faults.form.value;
  return (
    <label title={label}>
      <span class="sr">{label}</span>
      <input type="text" inputMode="decimal" aria-label={label} style={{ width: `${width}px` }} value={String(form[field])} onInput={(e) => (store.faults.form.value = { ...store.faults.form.value, [field]: e.currentTarget.value })} />
      {unit && <span class="muted">{unit}</span>}
    </label>
  );
}

function Params({ store }: { store: PanelStore }) {
  const form = store.faults.form.value;
  const set = (patch: Partial<FaultForm>) => (store.faults.form.value = { ...store.faults.form.value, ...patch });
  return (
    <>
      {paramsOf(form.kind).map((p) => {
        switch (p) {
          case 'stallSeconds':
            return <NumberField key={p} store={store} field={p} label="Stall for (seconds, 0 = until released)" unit="s" width={40} />;
          case 'stallThen':
            return (
              <select key={p} aria-label="After the stall" value={form.stallThen} onChange={(e) => set({ stallThen: e.currentTarget.value as FaultForm['stallThen'] })}>
                <option value="deliver">then deliver</option>
                <option value="drop">then drop</option>
              </select>
            );
          case 'offlineSeconds':
            return <NumberField key={p} store={store} field={p} label="Offline for (seconds)" unit="s" width={40} />;
          case 'latencyMs':
            return <NumberField key={p} store={store} field={p} label="Added latency per chunk (ms)" unit="ms" />;
          case 'bytesPerSecond':
            return <NumberField key={p} store={store} field={p} label="Bandwidth (bytes per second)" unit="B/s" width={64} />;
          case 'pieces':
            return (
              <select key={p} aria-label="Piece size" value={form.pieces} onChange={(e) => set({ pieces: e.currentTarget.value as FaultForm['pieces'] })}>
                <option value="bytes">1-byte pieces</option>
                <option value="random">random pieces</option>
              </select>
            );
          case 'maxPiece':
            return form.pieces === 'random' ? <NumberField key={p} store={store} field={p} label="Largest piece (bytes)" unit="B max" width={40} /> : null;
          case 'seed':
            return form.pieces === 'random' ? <NumberField key={p} store={store} field={p} label="Random seed" unit="seed" width={40} /> : null;
          default:
            return null;
        }
      })}
    </>
  );
}

function Armed({ store, connection }: { store: PanelStore; connection: PanelConnection | null }) {
  const armed = store.faults.armed.value;
  if (armed.length === 0) return <span class="muted">No faults armed.</span>;
  return (
    <ul class="armed" aria-label="Armed faults">
      {armed.map((f) => {
        const fired = firedCount(store, f.spec.id);
        const held = holdsUntilReleased(f.spec) && fired > 0 && !f.released;
        return (
          <li key={f.spec.id} class={fired > 0 ? 'fired' : undefined}>
            <span>{describeFault(f.spec)}</span>
            <span class="muted">{fired > 0 ? ` · fired ${fired}×` : ' · waiting'}</span>
            {held && (
              <>
                <button type="button" onClick={() => release(store, connection, f.spec.id, true)} title="End the stall and deliver what was held">
                  Release: deliver
                </button>
                <button type="button" onClick={() => release(store, connection, f.spec.id, false)} title="End the stall by dropping the stream">
                  Release: drop
                </button>
              </>
            )}
            <button type="button" class="close" aria-label={`Disarm ${describeFault(f.spec)}`} title="Disarm" onClick={() => disarm(store, connection, f.spec.id)}>
              ✕
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function FaultsBar({ store, connection }: { store: PanelStore; connection: PanelConnection | null }) {
  const form = store.faults.form.value;
  const set = (patch: Partial<FaultForm>) => (store.faults.form.value = { ...store.faults.form.value, ...patch });
  const selected = store.selected.value;
  const trig = TRIGGERS.find((t) => t.id === form.trigger)!;
  const onSubmit = (e: Event) => {
    e.preventDefault();
    armFromForm(store, connection, false);
  };
  return (
    <section class="faults" aria-label="Faults">
      <form class="subbar wrap" onSubmit={onSubmit}>
        <span class="muted">Fault</span>
        <select aria-label="Fault kind" value={form.kind} onChange={(e) => set({ kind: e.currentTarget.value as FaultForm['kind'] })} title={FAULT_KINDS.find((k) => k.id === form.kind)?.help}>
          {FAULT_KINDS.map((k) => (
            <option key={k.id} value={k.id}>
              {k.label}
            </option>
          ))}
        </select>
        <Params store={store} />
        <select aria-label="Trigger" value={form.trigger} onChange={(e) => set({ trigger: e.currentTarget.value as FaultForm['trigger'] })}>
          {TRIGGERS.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </select>
        {form.trigger !== 'now' && <NumberField store={store} field="triggerValue" label={`Trigger value (${trig.unit})`} unit={form.trigger === 'match' ? '' : trig.unit} width={form.trigger === 'match' ? 90 : 44} />}
        <select aria-label="Scope" value={form.scope} onChange={(e) => set({ scope: e.currentTarget.value as FaultForm['scope'] })}>
          <option value="tab">every stream of this tab</option>
          <option value="connection" disabled={!selected}>
            {selected ? `this connection (${shortUrl(selected.summary.url).slice(0, 30)})` : 'this connection (select one)'}
          </option>
          <option value="session">every tab of the session</option>
        </select>
        <NumberField store={store} field="probability" label="Probability (%)" unit="%" width={36} />
        <label title="Fire on the first stream that triggers it only">
          <input type="checkbox" checked={form.once} onChange={(e) => set({ once: e.currentTarget.checked })} /> once
        </label>
        <button type="submit">Arm</button>
        <button type="button" title="Inject this fault right away into the streams in scope" onClick={() => armFromForm(store, connection, true)}>
          Fire now
        </button>
        {store.faults.error.value && (
          <span class="error" role="alert">
            {store.faults.error.value}
          </span>
        )}
      </form>
      <div class="subbar wrap armed-bar">
        <Armed store={store} connection={connection} />
      </div>
    </section>
  );
}
