/**
 * The zoo's oracle: measures what really happens to an app in each of the three validation
 * tests, without the inspector. It drives plain Chromium (no extension) with the app's own
 * selectors, loads the app through a proxy that really resets connections, reads the answer
 * the user sees in each tab, and asks the server how many generations it started, finished,
 * cancelled and aborted. Its verdicts are the definitions of the README's “Validation tests”
 * applied to those measurements; the e2e tests compare the CLI's verdicts with them.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestId } from '../../../src/core/analysis/types';
import type { ZooApp, ZooCounters } from '../types';
import { startCutProxy, type CutProxy } from './proxy';

export interface Truth {
  verdict: 'pass' | 'fail';
  why: string;
}

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const POLL_MS = 100;
/** How long an app gets to recover, show tab B's output or stop: the CLI's default timeout plus slack. */
const RECOVER_MS = 20_000;

export const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();
const running = (c: ZooCounters): boolean => c.started > c.finished + c.cancelled + c.aborted;

async function until(cond: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The latest assistant answer as the user sees it (the last element matching the selector). */
async function shown(page: Page, selector: string): Promise<string> {
  const text = await page
    .evaluate((sel) => {
      const all = document.querySelectorAll(sel);
      return all.length ? (all[all.length - 1]!.textContent ?? '') : '';
    }, selector)
    .catch(() => '');
  return norm(text);
}

interface Run {
  app: ZooApp;
  proxy: CutProxy;
  browser: Browser;
  tabA: Page;
  full: string;
  openTab(url: string): Promise<Page>;
}

/** Opens the app in tab A through the proxy, sends the prompt and waits until the answer is well under way. */
async function startGeneration(app: ZooApp, prompt: string, fraction: number): Promise<Run> {
  const proxy = await startCutProxy(app.origin);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ARGS });
  const context = await browser.newContext();
  const tabA = await context.newPage();
  const run: Run = {
    app, proxy, browser, tabA, full: norm(app.answer(prompt)),
    async openTab(url) {
      const p = await context.newPage();
      await p.goto(url);
      return p;
    },
  };
  try {
    await tabA.goto(`${proxy.origin}${app.path}`);
    await tabA.fill(app.ui.input, prompt);
    await tabA.click(app.ui.send);
    const underWay = await until(async () => running(app.counters()) && (await shown(tabA, app.ui.answer)).length >= run.full.length * fraction, 20_000);
    if (!underWay) throw new Error(`oracle: ${app.name} did not stream the answer in tab A (shown: “${await shown(tabA, app.ui.answer)}”, counters ${JSON.stringify(app.counters())})`);
    return run;
  } catch (e) {
    await finish(run);
    throw e;
  }
}

async function finish(run: Run): Promise<void> {
  await run.browser.close();
  await run.proxy.close();
  // Let a generation the test left running end before the next measurement.
  await until(() => !running(run.app.counters()), 15_000);
}

async function reconnectResume(run: Run): Promise<Truth> {
  const { app, tabA, full } = run;
  const before = app.counters();
  const atCut = await shown(tabA, app.ui.answer);
  const cut = run.proxy.cut();
  if (cut === 0) throw new Error('oracle: there was no live connection to cut');
  const recovered = await until(async () => !running(app.counters()) && (await shown(tabA, app.ui.answer)) === full, RECOVER_MS);
  const after = app.counters();
  const end = await shown(tabA, app.ui.answer);
  const restarts = after.started - before.started;
  const summary = `cut ${cut} connections with ${atCut.length}/${full.length} characters shown; the page ended with ${end.length} characters; the server started ${restarts} more generations`;
  if (!recovered) return { verdict: 'fail', why: `${summary}, and the page never showed the whole answer once (it shows “…${end.slice(-60)}”)` };
  if (restarts > 0) return { verdict: 'fail', why: `${summary}: the answer is complete but was generated again (restarted)` };
  return { verdict: 'pass', why: `${summary}: the page shows the whole answer once, from the same generation` };
}

async function multiSurface(run: Run): Promise<Truth> {
  const { app, tabA } = run;
  const url = tabA.url();
  const tabB = await run.openTab(url);
  const seen = new Set<string>();
  // Tab B is live when it shows two different, growing texts of the answer while the server is still generating.
  const live = await until(async () => {
    const text = await shown(tabB, app.ui.answer);
    if (!running(app.counters())) return true;
    if (text && run.full.includes(text.slice(0, 30))) seen.add(text);
    return seen.size >= 2;
  }, RECOVER_MS);
  const grew = seen.size >= 2;
  if (live && grew) return { verdict: 'pass', why: `tab B on ${url} showed the answer growing (${[...seen].map((t) => t.length).join(' → ')} characters) while the server was still generating` };
  return { verdict: 'fail', why: `tab B on ${url} showed ${seen.size === 0 ? 'none of the answer' : `only a static ${[...seen][0]!.length} characters`} while the server generated it (tab B finally shows ${(await shown(tabB, app.ui.answer)).length} characters)` };
}

async function secondTabCancel(run: Run): Promise<Truth> {
  const { app, tabA, full } = run;
  const url = tabA.url();
  const tabB = await run.openTab(url);
  const stop = app.ui.stop;
  const usable = stop !== null && (await until(async () => !running(app.counters()) || (await tabB.locator(stop).first().isEnabled({ timeout: 50 }).catch(() => false)) && (await tabB.locator(stop).first().isVisible().catch(() => false)), 8000)) && running(app.counters());
  if (!usable) return { verdict: 'fail', why: stop === null ? 'the app has no stop control' : `tab B on ${url} showed no enabled stop control while tab A streamed` };
  const before = app.counters();
  await tabB.locator(stop!).first().click();
  const stopped = await until(() => !running(app.counters()), 10_000);
  let last = await shown(tabA, app.ui.answer);
  // After the source stopped, tab A may still show what was in flight: wait until it settles.
  await until(async () => {
    await new Promise((r) => setTimeout(r, 400));
    const now = await shown(tabA, app.ui.answer);
    const same = now === last;
    last = now;
    return same;
  }, 5000);
  const after = app.counters();
  const cancelled = after.cancelled - before.cancelled;
  const finished = after.finished - before.finished;
  const summary = `Stop in tab B; the server counted ${cancelled} cancelled, ${finished} finished, ${after.aborted - before.aborted} aborted; tab A shows ${last.length}/${full.length} characters`;
  if (cancelled > 0 && finished === 0 && stopped && last.length < full.length) return { verdict: 'pass', why: `${summary}: the generation stopped at its source on an explicit cancel` };
  return { verdict: 'fail', why: `${summary}: ${cancelled === 0 ? 'no explicit cancel reached the generation' : 'the generation did not stop short'}` };
}

/** Measures one test's truth on a fresh run of the app's generation. */
export async function measureTruth(app: ZooApp, test: TestId, prompt: string): Promise<Truth> {
  const run = await startGeneration(app, prompt, test === 'reconnect-resume' ? 0.25 : 0.15);
  try {
    if (test === 'reconnect-resume') return await reconnectResume(run);
    if (test === 'multi-surface') return await multiSurface(run);
    return await secondTabCancel(run);
  } finally {
    await finish(run);
  }
}
