/**
 * The example specs, as a team would configure Playwright for its own app: the fixture from
 * `durable-sessions-inspector/playwright`, two workers (one browser with the extension each).
 */
import { defineConfig } from '@playwright/test';
import type { DurableTestOptions, DurableWorkerFixtures } from 'durable-sessions-inspector/playwright';

export default defineConfig<DurableTestOptions, DurableWorkerFixtures>({
  testDir: '.',
  globalSetup: './global-setup.ts',
  workers: 2,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: 'list',
  use: {
    // Every spec's capture and verdicts are attached to the report, not only failing ones'.
    durableTrace: 'on',
  },
});
