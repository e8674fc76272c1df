/**
 * A spec that must fail (test/e2e/playwright-fixture.test.ts runs it and reads the JSON
 * report): what a team's CI shows when an app falls into the trap. Default trace policy
 * (retain-on-failure); retries and the reporter come from the command line.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  globalSetup: './global-setup.ts',
  workers: 1,
  reporter: 'list',
});
