/**
 * Chromium for the benchmarks, spawned directly and driven over raw CDP only.
 *
 * Not Playwright: Playwright auto-attaches to every page and enables the CDP Network domain on
 * it, which is exactly the "DevTools Network recording" overhead the capture benchmark must
 * keep out of its baseline arms. The extension is a private copy of dist/chrome so that other
 * processes rebuilding dist/ during a run cannot change what is measured.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CdpClient } from '../../src/cli/cdp';
import { BASE_ARGS, CHROMIUM } from '../../src/cli/chromium';
import { panelSide } from '../../src/protocol/panel';
import { BRIDGE_GLOBAL, DELIVER_BINDING } from '../../src/protocol/adapters/page-bridge';

export const DIST = resolve(import.meta.dirname, '../../dist/chrome');
/** The deep-capture build: the same code, with the debugger permission (scripts/build.mjs). */
export const DIST_DEEP = resolve(import.meta.dirname, '../../dist/chrome-deep');

/** Copies the built extension to a private folder (its id derives from that path). */
export function privateExtensionCopy(dist = DIST): string {
  if (!existsSync(join(dist, 'manifest.json'))) throw new Error(`No build at ${dist}: run "npm run build"`);
  const dir = mkdtempSync(join(tmpdir(), 'dsi-bench-ext-'));
  cpSync(dist, dir, { recursive: true });
  return dir;
}

export interface BenchBrowser {
  cdp: CdpClient;
  /** Marker in every process's command line (for /proc CPU accounting). */
  profile: string;
  extensionId: string | null;
  proc: ChildProcess;
  /** `window`: in a window of its own, so the tabs already in front stay visible (CDP Target.createTarget `newWindow`). */
  newTab(url?: string, opts?: { window?: boolean }): Promise<Tab>;
  close(): Promise<void>;
}

export interface Tab {
  targetId: string;
  sessionId: string;
  cdp: CdpClient;
  send<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** Navigates and waits until the document has loaded (polling; CdpClient has no events). */
  goto(url: string): Promise<void>;
  /** Performance.getMetrics as a name → value map (Performance must be enabled). */
  metrics(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000, every = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await sleep(every);
  }
}
export { waitFor };

export async function launch(opts: { extensionDir: string | null; devtools?: boolean; extraArgs?: string[] }): Promise<BenchBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const profile = mkdtempSync(join(tmpdir(), 'dsi-bench-profile-'));
  const args = [...BASE_ARGS, '--headless', '--remote-debugging-port=0', `--user-data-dir=${profile}`, '--window-size=1200,800', ...(opts.extraArgs ?? [])];
  if (opts.extensionDir) args.push(`--disable-extensions-except=${opts.extensionDir}`, `--load-extension=${opts.extensionDir}`);
  else args.push('--disable-extensions');
  if (opts.devtools) args.push('--auto-open-devtools-for-tabs');
  args.push('about:blank');
  const proc = spawn(CHROMIUM, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr!.on('data', () => undefined);
  const portFile = join(profile, 'DevToolsActivePort');
  const wsUrl = await waitFor(async () => {
    if (!existsSync(portFile)) return null;
    const [port, path] = readFileSync(portFile, 'utf8').split('\n');
    return port && path ? `ws://127.0.0.1:${port}${path}` : null;
  }, 'DevToolsActivePort', 20_000);
  const cdp = await CdpClient.connect(wsUrl);
  let extensionId: string | null = null;
  if (opts.extensionDir) {
    extensionId = await waitFor(async () => {
      const sw = (await cdp.targets()).find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'));
      return sw ? new URL(sw.url).host : null;
    }, 'the extension service worker', 20_000);
  }

  const browser: BenchBrowser = {
    cdp,
    profile,
    extensionId,
    proc,
    async newTab(url = 'about:blank', { window = false } = {}) {
      const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank', ...(window ? { newWindow: true } : {}) });
      const tab = await attachTab(cdp, targetId);
      if (url !== 'about:blank') await tab.goto(url);
      return tab;
    },
    async close() {
      try {
        await cdp.send('Browser.close');
      } catch {
        // already gone
      }
      cdp.close();
      await new Promise<void>((r) => {
        if (proc.exitCode !== null) return r();
        const t = setTimeout(() => (proc.kill('SIGKILL'), r()), 5000);
        proc.once('exit', () => (clearTimeout(t), r()));
      });
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return browser;
}

export async function attachTab(cdp: CdpClient, targetId: string): Promise<Tab> {
  const sessionId = await cdp.attach(targetId);
  const send = <T>(method: string, params: Record<string, unknown> = {}) => cdp.send<T>(method, params, sessionId);
  const tab: Tab = {
    targetId,
    sessionId,
    cdp,
    send,
    evaluate: <T>(expression: string) => cdp.evaluate<T>(sessionId, expression),
    async goto(url) {
      await send('Page.navigate', { url });
      await waitFor(async () => (await tab.evaluate<boolean>(`location.href === ${JSON.stringify(url)} && document.readyState === 'complete'`)) || null, `load of ${url}`, 30_000);
    },
    async metrics() {
      const { metrics } = await send<{ metrics: { name: string; value: number }[] }>('Performance.getMetrics');
      return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
    },
    async close() {
      await cdp.send('Target.closeTarget', { targetId }).catch(() => undefined);
    },
  };
  return tab;
}

/**
 * A quiet subscriber inside the extension: the standalone panel page without `?tabId` renders
 * only a notice; we open the panel port from it and subscribe to a tab, as `src/cli/control.ts`
 * does through Playwright. Subscribing makes the background tell the tab's hooks to record.
 * Incoming `records` messages are counted (and timed, for the latency benchmark) in the page.
 */
export interface Subscriber {
  tab: Tab;
  tabIdOf(url: string): Promise<number>;
  subscribe(tabId: number): Promise<void>;
  /** A panel request and its reply (the background's answer, or an error reply). */
  request(type: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export async function openSubscriber(browser: BenchBrowser, opts: { window?: boolean } = {}): Promise<Subscriber> {
  const id = browser.extensionId!;
  const tab = await browser.newTab(`chrome-extension://${id}/panel/index.html`, opts);
  // The panel page without a tab bridges the panel's port (page-bridge.ts); the bench counts
  // what arrives in the page itself, so the timings include no trip to Node.
  await waitFor(() => tab.evaluate<boolean>(`typeof window.${BRIDGE_GLOBAL} === 'object'`).then((ok) => ok || null), 'the panel page\'s bridge');
  await tab.evaluate(`(() => {
    window.__bench = { records: 0, snapshots: 0, arrivals: [], replies: {} };
    window.${DELIVER_BINDING} = (kind, m) => {
      if (kind !== 'message') return;
      if (typeof m.replyTo === 'string') window.__bench.replies[m.replyTo] = m;
      // The events a large snapshot could not carry follow it (core/trace/snapshot-parts.ts).
      if (m.type === 'snapshot-part') {
        const t = (window.__bench.parts ??= { n: 0, events: 0, bytes: 0 });
        t.n++; t.events += m.events.length; for (const e of m.events) t.bytes += e.size;
      }
      const now = performance.timeOrigin + performance.now();
      if (m.type === 'snapshot') window.__bench.snapshots++;
      if (m.type === 'records') {
        for (const r of m.records) {
          if (r.type !== 'data') continue;
          window.__bench.records++;
          if (window.__bench.timing) window.__bench.arrivals.push([r.time, now, r.text]);
        }
      }
    };
    return true;
  })()`);
  let asked = 0;
  const subscriber: Subscriber = {
    tab,
    async tabIdOf(url) {
      // The extension cannot read tab URLs (no "tabs" permission): the background asks each
      // tab's relay where it is (`find-tabs`), as the CLI's tabIdOf does.
      return waitFor(async () => {
        const ids = ((await subscriber.request('find-tabs', { url })).tabIds as number[] | undefined) ?? [];
        if (ids.length > 1) throw new Error(`${ids.length} tabs show ${url}`);
        return ids.length === 1 ? ids[0]! : null;
      }, `a tab showing ${url}`);
    },
    async request(type, body) {
      const id = `bench-${type}-${(asked += 1)}`;
      await tab.evaluate(`window.${BRIDGE_GLOBAL}.post(${JSON.stringify(panelSide.out.make(type as never, body as never, { id }))}), true`);
      const reply = await waitFor(() => tab.evaluate<Record<string, unknown> | null>(`window.__bench.replies[${JSON.stringify(id)}] ?? null`), `the reply to ${id}`);
      if (reply.type === 'error') throw new Error(`${type}: ${String(reply.message)}`);
      return reply;
    },
    async subscribe(tabId) {
      const before = await tab.evaluate<number>('window.__bench.snapshots');
      // The snapshot is the request's reply: without an id the background sends none.
      await tab.evaluate(`window.${BRIDGE_GLOBAL}.post(${JSON.stringify(panelSide.out.make('subscribe', { tabId }, { id: `bench-subscribe-${tabId}` }))}), true`);
      await waitFor(async () => (await tab.evaluate<number>('window.__bench.snapshots')) > before, 'the snapshot after subscribing');
    },
  };
  return subscriber;
}
