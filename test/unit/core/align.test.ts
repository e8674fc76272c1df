import { describe, expect, it } from 'vitest';
import { alignResume, reassemble, resumeSide, type ResumeSide } from '../../../src/core/reassembly';
import { analyze } from './analyze';

/** A side whose text arrived in the given pieces, frame i carrying piece i (and id ids[i]). */
function side(pieces: string[], ids?: Array<string | number>, firstFrame = 0): ResumeSide {
  let pos = 0;
  const spans = pieces.map((p, i) => {
    const s = { start: pos, end: pos + p.length, frame: firstFrame + i };
    pos += p.length;
    return s;
  });
  const s: ResumeSide = { text: pieces.join(''), spans };
  if (ids) s.ids = ids.map((v, i) => ({ frame: firstFrame + i, value: String(v) }));
  return s;
}

describe('alignResume with ids', () => {
  it('continuation: ids pick up at the next one', () => {
    const r = alignResume(side(['Hel', 'lo'], [1, 2]), side([' wor', 'ld'], [3, 4]));
    expect(r).toMatchObject({ kind: 'continuation', replayed: 0, verified: true });
    expect(r.evidence).toMatchObject({ beforeFrames: [1], afterFrames: [0] });
  });

  it('continuation with replay: already-seen ids re-sent with identical text', () => {
    const r = alignResume(side(['Hel', 'lo', ' wor'], ['e-1', 'e-2', 'e-3']), side(['lo', ' wor', 'ld'], ['e-2', 'e-3', 'e-4']));
    expect(r).toMatchObject({ kind: 'continuation', replayed: 6, verified: true });
    expect(r.evidence).toMatchObject({ beforeRange: { start: 3, end: 9 }, afterRange: { start: 0, end: 6 }, beforeFrames: [1, 2], afterFrames: [0, 1] });
  });

  it('gap: ids jump, listing the missing ones and where the text is missing', () => {
    const r = alignResume(side(['Hel', 'lo'], [5, 6]), side(['ld', '!'], [9, 10]));
    expect(r).toMatchObject({ kind: 'gap', position: 5, missingIds: ['7', '8'], missingCount: 2 });
    expect(r.evidence).toMatchObject({ beforeFrames: [1], afterFrames: [0] });
  });

  it('gap keeps the id format (prefix and zero padding)', () => {
    const r = alignResume(side(['a'], ['evt-0007']), side(['d'], ['evt-0010']));
    expect(r).toMatchObject({ kind: 'gap', missingIds: ['evt-0008', 'evt-0009'] });
  });

  it('continuation: sequence numbers that continue decide, even when the model repeats a word across the cut', () => {
    // The demo's "…session survives agent agent writes…" cut between the two words.
    const r = alignResume(side(['The session', ' survives', ' agent'], [4, 5, 6]), side([' agent', ' writes'], [7, 8]));
    expect(r).toMatchObject({ kind: 'continuation', replayed: 0, verified: true });
  });

  it('fresh opaque ids prove nothing: the text decides, and says it is unverified', () => {
    const r = alignResume(side(['The quick', ' brown'], ['a7f', 'b2c']), side([' brown', ' fox'], ['c9d', 'd4e']));
    expect(r).toMatchObject({ kind: 'continuation', replayed: 6, verified: false });
  });

  it('restart: ids begin again from the start', () => {
    const r = alignResume(side(['Hel', 'lo'], [1, 2]), side(['Hel', 'lo', ' world'], [1, 2, 3]));
    expect(r).toMatchObject({ kind: 'restart', sameStart: true });
  });

  it('restart: replayed ids carry a different answer', () => {
    const r = alignResume(side(['Yes', ', it', ' is'], [1, 2, 3]), side([' is not', ' so'], [3, 4]));
    expect(r).toMatchObject({ kind: 'restart', sameStart: false });
  });
});

describe('alignResume on text alone', () => {
  it('continuation: new text, unverified without ids', () => {
    expect(alignResume(side(['Hello']), side([' world']))).toMatchObject({ kind: 'continuation', replayed: 0, verified: false });
  });

  it('continuation with replay: the after stream starts with the tail of before, frame-aligned', () => {
    const r = alignResume(side(['Hello', ' wor']), side([' wor', 'ld']));
    expect(r).toMatchObject({ kind: 'continuation', replayed: 4 });
    expect(r.evidence).toMatchObject({ beforeRange: { start: 5, end: 9 }, beforeFrames: [1], afterFrames: [0] });
  });

  it('duplicate: a span from the middle of before is delivered again', () => {
    const r = alignResume(side(['The cat ', 'sat on the ', 'mat today']), side(['sat on the ', 'mat tonight']));
    expect(r).toMatchObject({ kind: 'duplicate', length: 17 });
    expect(r.evidence).toMatchObject({ beforeRange: { start: 8, end: 25 }, beforeFrames: [1, 2], afterFrames: [0, 1] });
  });

  it('takes one common word found in the middle of before as chance, not a duplicate', () => {
    // The reconnected stream goes on with later text that happens to start with a word
    // before also has: that proves nothing either way.
    const r = alignResume(side(['A durable', ' chat', ' keeps', ' the', ' answer']), side([' the', ' generation', ' alive']));
    expect(r).toMatchObject({ kind: 'continuation', replayed: 0, verified: false });
  });

  it('restart: the answer begins again', () => {
    const r = alignResume(side(['Once upon', ' a time']), side(['Once upon', ' a time', ' there']));
    expect(r).toMatchObject({ kind: 'restart', sameStart: true });
  });

  it('ignores accidental one-letter overlaps', () => {
    expect(alignResume(side(['Hello', ' the']), side(['e end']))).toMatchObject({ kind: 'continuation', replayed: 0 });
  });
});

describe('alignResume on recognized captures', () => {
  const sides = (beforeFile: string, afterFile: string) => {
    const b = analyze('openai-responses', beforeFile);
    const a = analyze('openai-responses', afterFile);
    return [resumeSide(b.rec, b.out.messages[0]!), resumeSide(a.rec, a.out.messages[0]!)] as const;
  };

  it('a Responses API background resume (starting_after=6) continues exactly', () => {
    const [before, after] = sides('background-dropped.txt', 'resume.txt');
    expect(before.text).toBe('Hi there!');
    expect(alignResume(before, after)).toMatchObject({ kind: 'continuation', replayed: 0, verified: true });
  });

  it('a resume that skips sequence numbers is a gap with the missing numbers', () => {
    const [before, after] = sides('background-dropped.txt', 'resume-gap.txt');
    expect(alignResume(before, after)).toMatchObject({ kind: 'gap', position: 9, missingIds: ['7', '8'] });
  });

  it('works from reassembled output spans', () => {
    const out = reassemble(analyze('openai-chat', 'text.txt').rec);
    const m = out.messages[0]!;
    for (const s of m.spans) expect(s.end).toBeGreaterThan(s.start);
    expect(m.spans.at(-1)!.end).toBe(m.text.length);
  });
});
