import { describe, expect, it } from 'vitest';
import { DEFAULT_FAULT_FORM, describeFault, faultSpecOf, holdsUntilReleased, paramsOf } from './faultForm';

describe('the faults form', () => {
  it('builds a drop after N events for the tab, as the core accepts it', () => {
    const r = faultSpecOf(DEFAULT_FAULT_FORM, 'f1', null);
    expect(r).toEqual({ ok: true, spec: { id: 'f1', kind: 'drop', trigger: { kind: 'after-events', count: 5 }, scope: { kind: 'tab' }, probability: 1, once: true } });
    if (r.ok) expect(describeFault(r.spec)).toBe('drop after 5 events · this tab · once');
  });

  it('targets the selected connection, and says so when none is selected', () => {
    const form = { ...DEFAULT_FAULT_FORM, scope: 'connection' as const };
    expect(faultSpecOf(form, 'f', null)).toEqual({ ok: false, error: 'Select a connection first to target only it.' });
    const r = faultSpecOf(form, 'f', 'doc:3');
    expect(r.ok && r.spec.scope).toEqual({ kind: 'connection', connectionId: 'doc:3' });
  });

  it('fires now whatever trigger the form holds', () => {
    const r = faultSpecOf({ ...DEFAULT_FAULT_FORM, trigger: 'match', triggerValue: '' }, 'f', null, true);
    expect(r.ok && r.spec.trigger).toEqual({ kind: 'now' });
  });

  it('turns seconds and percentages into the spec units', () => {
    const stall = faultSpecOf({ ...DEFAULT_FAULT_FORM, kind: 'stall', stallSeconds: '0', stallThen: 'drop', probability: '50' }, 's', null);
    expect(stall.ok && stall.spec).toMatchObject({ kind: 'stall', stallMs: 0, stallThen: 'drop', probability: 0.5 });
    expect(stall.ok && holdsUntilReleased(stall.spec)).toBe(true);
    if (stall.ok) expect(describeFault(stall.spec)).toBe('stall until released then drop after 5 events · this tab · 50%, once');
    const off = faultSpecOf({ ...DEFAULT_FAULT_FORM, kind: 'offline', offlineSeconds: '2.5', trigger: 'after-ms', triggerValue: '100' }, 'o', null);
    expect(off.ok && off.spec).toMatchObject({ offlineMs: 2500, trigger: { kind: 'after-ms', ms: 100 } });
  });

  it('explains what is wrong instead of arming a bad fault', () => {
    expect(faultSpecOf({ ...DEFAULT_FAULT_FORM, triggerValue: 'x' }, 'f', null).ok).toBe(false);
    expect(faultSpecOf({ ...DEFAULT_FAULT_FORM, probability: '150' }, 'f', null).ok).toBe(false);
    expect(faultSpecOf({ ...DEFAULT_FAULT_FORM, kind: 'offline', offlineSeconds: '' }, 'f', null).ok).toBe(false);
    const bad = faultSpecOf({ ...DEFAULT_FAULT_FORM, trigger: 'match', triggerValue: '(' }, 'f', null);
    expect(bad).toEqual({ ok: false, error: 'Not a valid fault: invalid trigger.' });
  });

  it('shows only the parameters a kind uses', () => {
    expect(paramsOf('drop')).toEqual([]);
    expect(paramsOf('rechunk')).toEqual(['pieces', 'maxPiece', 'seed']);
  });
});
