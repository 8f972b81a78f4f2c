import { defineConfig } from '@playwright/test'

/**
 * Stories run in Debian's Chromium (CHROMIUM_PATH overrides /usr/bin/chromium). Each test starts its own
 * server and persistent browser profile (see fixtures.ts), so tests are independent; two workers keep
 * both cores busy.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../../test-results',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: process.env.E2E_WORKERS ? Number(process.env.E2E_WORKERS) : 2,
  // One retry on CI only: a story that fails twice is a failure; one that passes on retry is reported as flaky.
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list'], ['line']] : [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
})
