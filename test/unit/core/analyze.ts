/** Test shorthand: recognize a fixture and reassemble it. */
import { recognize } from '../../../src/core/protocols';
import type { AiEvent, Recognition } from '../../../src/core/protocols/types';
import { reassemble, type Output } from '../../../src/core/reassembly';
import { loadFixture, type Meta, type Split } from './fixture';

export interface Analysis {
  rec: Recognition;
  out: Output;
  text: string;
  types: Array<AiEvent['type']>;
  of<T extends AiEvent['type']>(type: T): Array<Extract<AiEvent, { type: T }>>;
}

export function analyzeConn(conn: Parameters<typeof recognize>[0]): Analysis {
  const rec = recognize(conn);
  const out = reassemble(rec);
  return {
    rec,
    out,
    text: out.messages.map((m) => m.text).join(''),
    types: rec.events.map((e) => e.type),
    of: <T extends AiEvent['type']>(type: T) => rec.events.filter((e): e is Extract<AiEvent, { type: T }> => e.type === type),
  };
}

export function analyze(protocol: string, file: string, split?: Split, meta?: Meta): Analysis {
  return analyzeConn(loadFixture(protocol, file, split, meta));
}
