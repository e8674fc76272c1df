/**
 * Launches Debian's Chromium with the built extension and hands callers (tests, `npm start`,
 * the check runner) the pieces:
 * the Playwright context (pages), the extension id, and a raw CDP client for what Playwright
 * cannot reach (DevTools windows and our panel inside them).
 */
import { chromium, type BrowserContext, type BrowserType, type Worker } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CdpClient } from './cdp';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The folder of this package: this file runs from src/cli/ (tsx) and, bundled, from
 * dist-lib/playwright/, so the extension build is found from the package.json above it.
 */
export function packageRoot(): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'durable-sessions-inspector') return dir;
    } catch {
      // No package.json here: keep looking upwards.
    }
    if (dirname(dir) === dir) throw new Error(`durable-sessions-inspector: cannot find the package folder above ${import.meta.dirname}`);
  }
}

export const EXTENSION_DIR = join(packageRoot(), 'dist/chrome');

export interface LaunchOptions {
  /** Open DevTools for every tab (needed to test the real panel). */
  devtools?: boolean;
  /** Load the extension (false gives the "no extension" arm of transparency tests). */
  extension?: boolean;
  /** The unpacked extension to load (default: dist/chrome; the e2e of deep capture loads dist/chrome-deep). */
  extensionDir?: string;
  /** Headless unless a caller with a display wants to show the browser. Default true. */
  headless?: boolean;
  /**
   * Browser binary; default CHROMIUM. Null: no binary, Playwright picks the browser of
   * `channel` (its own Chromium, whose new headless mode loads extensions).
   */
  chromium?: string | null;
  /** Playwright's browser channel, when `chromium` is null. */
  channel?: string;
  /**
   * The Playwright to launch with: a Playwright Test fixture passes its own, so its launch
   * options (headless, PWDEBUG, slowMo) and tracing apply.
   */
  browserType?: BrowserType;
  /** More Chromium flags (a test runner's launchOptions.args). */
  args?: string[];
  /** Reuse a profile directory (browser-restart tests); a fresh one otherwise. */
  userDataDir?: string;
}

export interface LaunchedBrowser {
  context: BrowserContext;
  extensionId: string | null;
  serviceWorker: Worker | null;
  cdp: CdpClient;
  userDataDir: string;
  close(opts?: { keepProfile?: boolean }): Promise<void>;
}

export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-quic',
];

async function readDevToolsPort(dir: string): Promise<string> {
  const file = join(dir, 'DevToolsActivePort');
  for (let i = 0; i < 100; i++) {
    if (existsSync(file)) {
      const [port, path] = readFileSync(file, 'utf8').split('\n');
      if (port && path) return `ws://127.0.0.1:${port}${path}`;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('Chromium did not write DevToolsActivePort');
}

export async function launchBrowser(opts: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const executablePath = opts.chromium === null ? undefined : (opts.chromium ?? CHROMIUM);
  if (executablePath !== undefined && !existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}: run "apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  const withExtension = opts.extension ?? true;
  const extensionDir = opts.extensionDir ?? EXTENSION_DIR;
  if (withExtension && !existsSync(join(extensionDir, 'manifest.json'))) throw new Error(`No build at ${extensionDir}: run "npm run build"`);
  const userDataDir = opts.userDataDir ?? mkdtempSync(join(tmpdir(), 'dsi-profile-'));
  const args = [...BASE_ARGS, ...(opts.args ?? []), '--remote-debugging-port=0'];
  if (withExtension) args.push(`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`);
  if (opts.devtools) args.push('--auto-open-devtools-for-tabs');
  const context = await (opts.browserType ?? chromium).launchPersistentContext(userDataDir, {
    ...(executablePath !== undefined ? { executablePath } : { channel: opts.channel ?? 'chromium' }),
    ...(opts.headless !== undefined || !opts.browserType ? { headless: opts.headless ?? true } : {}),
    args,
    ignoreDefaultArgs: ['--disable-extensions'],
    viewport: { width: 1200, height: 800 },
  });
  let serviceWorker: Worker | null = null;
  let extensionId: string | null = null;
  if (withExtension) {
    serviceWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
    extensionId = new URL(serviceWorker.url()).host;
  }
  const cdp = await CdpClient.connect(await readDevToolsPort(userDataDir));
  return {
    context,
    extensionId,
    serviceWorker,
    cdp,
    userDataDir,
    async close(closeOpts = {}) {
      cdp.close();
      await context.close();
      if (!closeOpts.keepProfile && !opts.userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
