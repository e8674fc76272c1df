import { describe, expect, it } from 'vitest';
import { axisTicks, laneIndex, nearestIndex, pan, gapBetween, silences, tickXs, toX, zoom } from './timeline';

const at = (xs: number[]) => (i: number) => xs[i]!;

describe('timeline math', () => {
  const bounds = { t0: 0, t1: 1000 };
  it('maps times to x and zooms around the anchor, within the capture', () => {
    expect(toX(500, bounds, 200)).toBe(100);
    const z = zoom(bounds, 0.5, 0.5, bounds);
    expect(z).toEqual({ t0: 250, t1: 750 });
    expect(zoom(z, 0.5, 0, bounds)).toEqual({ t0: 250, t1: 500 });
    expect(zoom(z, 10, 0.5, bounds)).toEqual(bounds);
    expect(zoom(bounds, 0.000001, 0.5, bounds).t1 - zoom(bounds, 0.000001, 0.5, bounds).t0).toBeGreaterThanOrEqual(5);
  });

  it('pans without leaving the capture', () => {
    expect(pan({ t0: 250, t1: 750 }, 0.2, bounds)).toEqual({ t0: 350, t1: 850 });
    expect(pan({ t0: 250, t1: 750 }, 2, bounds)).toEqual({ t0: 500, t1: 1000 });
  });

  it('draws one tick per pixel column however many events', () => {
    const times = Array.from({ length: 100_000 }, (_, i) => i / 100);
    const ticks = tickXs(times.length, at(times), bounds, 300);
    expect(ticks.length).toBeLessThanOrEqual(301);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(tickXs(times.length, at(times), { t0: 100, t1: 200 }, 100)[0]).toBe(0);
  });

  it('draws a tick in exactly the columns a walk of every event fills, for clustered and sparse times', () => {
    // The oracle: every event's rounded column, deduplicated.
    const everyColumn = (times: number[], view: { t0: number; t1: number }, w: number) =>
      [...new Set(times.filter((t) => t >= view.t0 && t <= view.t1).map((t) => Math.round(toX(t, view, w))))];
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const times: number[] = [];
    for (let t = 0; times.length < 20_000; ) times.push((t += rand() < 0.05 ? rand() * 400 : rand() * 0.3));
    for (const view of [{ t0: 0, t1: times.at(-1)! }, { t0: 100.25, t1: 180.5 }, { t0: times[5000]!, t1: times[5003]! }]) {
      for (const w of [1, 97, 640]) expect(tickXs(times.length, at(times), view, w)).toEqual(everyColumn(times, view, w));
    }
  });

  it('keeps a growing lane’s silences and sent times as a walk of all its events finds them', () => {
    const events: Array<{ time: number; dir: string }> = [];
    for (const batch of [[0, 10], [700, 720, 730], [1400], [1401, 2500]]) {
      for (const t of batch) events.push({ time: t, dir: t % 20 === 0 ? 'out' : 'in' });
      const got = laneIndex(events, 500);
      expect(got.gaps).toEqual(silences(events.length, (i) => events[i]!.time, 500));
      expect(got.sent).toEqual(events.filter((e) => e.dir === 'out').map((e) => e.time));
    }
  });

  it('finds long silences and the nearest event', () => {
    expect(silences(4, at([0, 10, 700, 720]), 500)).toEqual([{ t0: 10, t1: 700 }]);
    // A lane's first and last silence (open → first event, last event → end) are one pair each.
    expect(gapBetween(10, 700, 500)).toEqual([{ t0: 10, t1: 700 }]);
    expect(gapBetween(10, 509, 500)).toEqual([]);
    expect(nearestIndex(4, at([0, 10, 700, 720]), 300)).toBe(1);
    expect(nearestIndex(4, at([0, 10, 700, 720]), 5000)).toBe(3);
    expect(nearestIndex(0, at([]), 1)).toBe(-1);
  });

  it('labels the axis with round steps', () => {
    expect(axisTicks({ t0: 0, t1: 1000 })).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(axisTicks({ t0: 30, t1: 90 }, 3)).toEqual([40, 60, 80]);
  });
});
