import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx', 'src/**/*.test.ts', 'panel/**/*.test.ts', 'panel/**/*.test.tsx'],
          environment: 'node',
          // The property tests (hundreds of generated or mangled traces) take 1–2 s on a quiet
          // machine and passed 5 s, Vitest's default, with another process busy on the 2 cores.
          // No unit test waits for time, so this limit only catches a hang.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // Real Chromium on a 2-core machine: one browser at a time keeps timings honest.
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
