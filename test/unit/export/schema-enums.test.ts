import { describe, expect, it } from 'vitest';
import { SEVERITIES, TEST_IDS, VERDICT_KINDS } from '../../../src/core/analysis/types';
import { TRACE_FAULT_KINDS } from '../../../src/core/export/trace-format';
import { FAULT_KINDS } from '../../../src/core/faults/spec';
import { CONNECTION_STATES } from '../../../src/core/trace/model';
import { CONNECTION_KINDS, CONTROL_ACTIONS, DIRECTIONS, END_CAUSES, FRAME_MARKS, PAGE_SIGNALS, WORKER_TYPES } from '../../../src/core/trace/records';
import { loadSchema } from './schema';
import { TOKEN_SOURCES } from '../../../src/core/analysis/timing';
import { MOCK_TRANSPORTS } from '../../../src/core/mock/model';

/**
 * Where each enumeration of the trace schema comes from in the core. The schema is written by
 * hand for readers of the format; this keeps it equal to the lists the validator checks
 * against, so a value the extension writes is never one the schema (or the import) refuses.
 */
const CORE_ENUMS: Record<string, readonly (string | null)[]> = {
  '/$defs/signal/properties/signal': PAGE_SIGNALS,
  '/$defs/firedFault/properties/kind': FAULT_KINDS,
  '/$defs/summary/properties/kind': CONNECTION_KINDS,
  '/$defs/summary/properties/state': CONNECTION_STATES,
  '/$defs/summary/properties/end': [...END_CAUSES, null],
  '/$defs/summary/properties/deep/properties/workerType': WORKER_TYPES,
  '/$defs/event/properties/dir': DIRECTIONS,
  '/$defs/event/properties/mark': FRAME_MARKS,
  '/$defs/controlNote/properties/action': CONTROL_ACTIONS,
  '/$defs/controlNote/properties/dir': [...DIRECTIONS, null],
  '/$defs/fault/properties/kind': TRACE_FAULT_KINDS,
  '/$defs/testRun/properties/test': TEST_IDS,
  '/$defs/testRun/properties/verdict': [...VERDICT_KINDS, null],
  '/$defs/flag/properties/severity': SEVERITIES,
  '/$defs/tokenCount/properties/source': TOKEN_SOURCES,
  '/$defs/mock/properties/transport': MOCK_TRANSPORTS,
};

/** Every `enum` in a schema, by the JSON pointer of the object holding it. */
function enumsOf(node: unknown, pointer = ''): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  if (typeof node !== 'object' || node === null) return out;
  if (!Array.isArray(node) && Array.isArray((node as { enum?: unknown }).enum)) out.set(pointer, (node as { enum: unknown[] }).enum);
  for (const [k, v] of Object.entries(node)) {
    if (k === 'enum') continue;
    for (const [p, e] of enumsOf(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`)) out.set(p, e);
  }
  return out;
}

describe('schemas/trace-v1.schema.json enumerations', () => {
  const enums = enumsOf(loadSchema('trace-v1.schema.json'));

  it('every enumeration in the schema is one the core declares (none left unchecked)', () => {
    expect([...enums.keys()].sort()).toEqual(Object.keys(CORE_ENUMS).sort());
  });

  for (const [pointer, core] of Object.entries(CORE_ENUMS)) {
    it(`${pointer} lists exactly the core's values, in the core's order`, () => {
      expect(enums.get(pointer)).toEqual([...core]);
    });
  }
});
