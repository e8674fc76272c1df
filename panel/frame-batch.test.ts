import { describe, expect, it } from 'vitest';
import { createFrameBatch } from './frame-batch';

/** A host whose clock, frames and timers the test drives. */
function host() {
  let now = 0;
  const frames: (() => void)[] = [];
  const timers: { at: number; cb: () => void }[] = [];
  return {
    h: {
      requestAnimationFrame: (cb: () => void) => frames.push(cb),
      setTimeout: (cb: () => void, ms: number) => timers.push({ at: now + ms, cb }),
      performance: { now: () => now },
    },
    advance(ms: number) {
      now += ms;
      for (const t of timers.splice(0).filter((t) => (t.at <= now ? (t.cb(), false) : true))) timers.push(t);
    },
    frame() {
      for (const f of frames.splice(0)) f();
    },
  };
}

describe('the panel’s per-frame batch of updates', () => {
  it('runs a lone update at once, folds a burst into one at the next frame, and only the last of it', () => {
    const t = host();
    const batch = createFrameBatch(t.h);
    const ran: number[] = [];
    batch(() => ran.push(1));
    expect(ran).toEqual([1]);
    for (let i = 2; i <= 50; i++) batch(() => ran.push(i));
    expect(ran).toEqual([1]);
    t.frame();
    expect(ran).toEqual([1, 50]);
    // The fallback timer of that burst finds nothing left to do.
    t.advance(100);
    expect(ran).toEqual([1, 50]);
    batch(() => ran.push(51));
    expect(ran).toEqual([1, 50, 51]);
  });

  it('catches up without animation frames (a panel page in a background tab)', () => {
    const t = host();
    const batch = createFrameBatch(t.h, 16, 50);
    const ran: string[] = [];
    batch(() => ran.push('a'));
    batch(() => ran.push('b'));
    t.advance(49);
    expect(ran).toEqual(['a']);
    t.advance(1);
    expect(ran).toEqual(['a', 'b']);
  });
});
