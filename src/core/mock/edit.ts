/**
 * Edits of a mock's steps, as the panel's table makes them: each returns a new mock (the
 * panel keeps the old one for undo and compares by identity), or throws on an index out of range.
 */
import type { Mock, MockStep } from './model';

function checkIndex(mock: Mock, index: number, end: boolean): void {
  const max = end ? mock.steps.length : mock.steps.length - 1;
  if (!Number.isInteger(index) || index < 0 || index > max) throw new RangeError(`no step ${index + 1} in a mock of ${mock.steps.length} steps`);
}

/** Inserts `step` before index `at` (`steps.length`: at the end). A drop cuts off what follows it. */
export function insertStep(mock: Mock, at: number, step: MockStep): Mock {
  checkIndex(mock, at, true);
  const steps = [...mock.steps.slice(0, at), step, ...(step.kind === 'drop' ? [] : mock.steps.slice(at))];
  return { ...mock, steps };
}

export function removeStep(mock: Mock, at: number): Mock {
  checkIndex(mock, at, false);
  return { ...mock, steps: mock.steps.filter((_, i) => i !== at) };
}

export function replaceStep(mock: Mock, at: number, step: MockStep): Mock {
  checkIndex(mock, at, false);
  return { ...mock, steps: mock.steps.map((s, i) => (i === at ? step : s)) };
}

/** Keeps the first `count` steps. */
export function keepSteps(mock: Mock, count: number): Mock {
  checkIndex(mock, count, true);
  return { ...mock, steps: mock.steps.slice(0, count) };
}
