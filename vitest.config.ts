import { configDefaults, defineConfig } from 'vitest/config';

const ZOO_CLI_FAMILIES = ['ai-sdk', 'durable-streams', 'mcp', 'openai', 'socketio'].map((f) => `test/e2e/zoo-${f}.test.ts`);

function e2eLane(name: string, files: { include: string[]; exclude?: string[] }) {
  return {
    test: {
      name,
      include: files.include,
      exclude: [...configDefaults.exclude, ...(files.exclude ?? [])],
      environment: 'node' as const,
      // One browser at a time per lane.
      fileParallelism: false,
      testTimeout: 90_000,
      hookTimeout: 90_000,
    },
  };
}

export default defineConfig({
  test: {
    // Vitest's default on 2 cores is one worker in all; the unit project takes both cores
    // (74 s with another process keeping a core busy, 94 s on one worker on a quiet machine).
    maxWorkers: 2,
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
      // The e2e suite in two lanes that run at once (scripts/test-e2e-lanes.mjs, one Vitest
      // process each: in one process Vitest ran them one after the other), each one file at a time. Most of an e2e test's time is waiting: for a generation to stream, a
      // reconnect, a stall to end. Lane b is the zoo families whose variants each run the oracle
      // and then `durable-sessions check` (1,027 s of the 2,062 s a one-lane run took here on
      // 2026-12-03), lane a everything else (1,035 s). Every test waits for conditions, never
      // for time, so sharing the 2 cores with the other lane only makes it slower, not wrong
      // (the stress run in the README keeps a core busy on top of this).
      e2eLane('e2e-a', { include: ['test/e2e/**/*.test.ts'], exclude: ZOO_CLI_FAMILIES }),
      e2eLane('e2e-b', { include: ZOO_CLI_FAMILIES }),
    ],
  },
});
