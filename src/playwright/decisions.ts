/**
 * The fixture's decisions that need no browser: which Chromium it launches, and when it
 * attaches its trace. Which Chromium: Extensions load in Chromium's new headless mode, which
 * Playwright's own Chromium (channel "chromium") and Debian's /usr/bin/chromium both have;
 * Playwright's default headless shell does not load extensions, so it is never chosen.
 */
export interface BrowserChoice {
  /** A binary to launch, or null for Playwright's browser of `channel`. */
  chromium: string | null;
  channel?: string;
  /** For messages and the trace: what was launched. */
  label: string;
}

export interface ChoiceInput {
  /** The `durableBrowser.executablePath` option, then `launchOptions.executablePath`. */
  executablePath?: string | undefined;
  /** CHROMIUM_PATH. */
  envPath?: string | undefined;
  /** Playwright's `channel` option (e.g. "chromium", "chrome"). */
  channel?: string | undefined;
  /** Where Playwright's own Chromium would be (`chromium.executablePath()`), or null. */
  bundled: string | null;
  system: string;
  exists(path: string): boolean;
}

export function chooseBrowser(input: ChoiceInput): BrowserChoice {
  if (input.executablePath) return { chromium: input.executablePath, label: input.executablePath };
  if (input.envPath) return { chromium: input.envPath, label: `${input.envPath} (CHROMIUM_PATH)` };
  if (input.channel) return { chromium: null, channel: input.channel, label: `Playwright channel "${input.channel}"` };
  if (input.bundled && input.exists(input.bundled)) return { chromium: null, channel: 'chromium', label: `Playwright's Chromium (${input.bundled})` };
  if (input.exists(input.system)) return { chromium: input.system, label: input.system };
  throw new Error(
    `durable-sessions: no Chromium to launch: Playwright's own is not installed (npx playwright install chromium) and there is none at ${input.system}; set CHROMIUM_PATH or the durableBrowser.executablePath option`,
  );
}

/** Whether the trace and report are attached, the way Playwright's `trace: 'retain-on-failure'` decides. */
export function shouldAttach(mode: 'on' | 'off' | 'retain-on-failure', info: { status?: string; expectedStatus: string }): boolean {
  if (mode === 'off') return false;
  return mode === 'on' || info.status !== info.expectedStatus;
}
