/** Command-line arguments of `durable-sessions check`, parsed and validated up front. */
import { TEST_IDS, type TestId } from '../core/analysis/types';

export const ALL_TESTS: TestId[] = [...TEST_IDS];

export interface CheckArgs {
  url: string;
  browser: string;
  prompt: string;
  input: string | null;
  send: string | null;
  stop: string | null;
  secondTabUrl: string | null;
  driver: string | null;
  timeoutMs: number;
  dropAfter: number;
  only: TestId[];
  json: string | null;
  junit: string | null;
  trace: string | null;
  headed: boolean;
  /** A mock file the tab's matching request is answered from before each test sends. */
  mock: string | null;
  /** The request a mock file answers, for formats that carry none ("GET URL" or a URL). */
  mockUrl: string | null;
}

export class UsageError extends Error {}

export const USAGE = `Usage: durable-sessions check <url> [options]

Runs the three Durable Sessions validation tests (reconnect-resume, multi-surface,
second-tab-cancel) against the app at <url> in Chromium with the inspector extension.

Options:
  --prompt TEXT          prompt to send (default: "Explain durable sessions in one paragraph.")
  --input SELECTOR       the prompt input (default: the most likely chat input: a visible, enabled
                         textarea / contenteditable / text input, preferring one in a form, wide and
                         low on the page, named like "Message", "Ask", "Prompt")
  --send SELECTOR        the send control (default: Enter, then the form's submit button, then a
                         button named Send / Submit / Ask / →, then form.requestSubmit(), until a
                         request or socket message leaves the page; if none does, the test is
                         INCONCLUSIVE "the prompt was not sent", listing what was tried)
  --stop SELECTOR        the stop control (default: a button named Stop / Cancel)
  --second-tab-url URL   URL for the second tab (default: tab A's URL after sending)
  --driver FILE          module exporting send(page, prompt) and, optionally, stop(page) (the second
                         tab's page; resolve false when it has no usable stop control), for apps that need more
  --timeout SECONDS      how long to wait for reconnects and output (default 15)
  --drop-after N         drop the stream after N events (default 5)
  --only LIST            comma-separated tests to run (default: all three)
  --json FILE            write the full report as JSON
  --junit FILE           write a JUnit XML report
  --trace FILE           write the captured trace
  --mock FILE            answer the app's request from a mock instead of its backend: armed in the tab
                         before each test sends, it answers the first matching request of each test
                         (the app's reconnects go to the network). FILE: a saved mock (.json with
                         request, response, steps), an SSE body (.sse/.txt, with ": mock delay MS",
                         ": mock stall MS", ": mock duplicate", ": mock drop" comment lines), NDJSON
                         (.ndjson/.jsonl), a JSON list of {"delayMs","data"} frames, or a .har entry
  --mock-url "[METHOD ]URL"  the request the mock answers (needed for SSE, NDJSON and frames; overrides a
                         saved mock's; method GET unless given); a "*" matches within one path segment
  --browser PATH         Chromium to use (default /usr/bin/chromium)
  --headed               show the browser window
Exit codes: 0 every test passed, 1 a test failed or was inconclusive, 2 usage or setup error.`;

export function parseCheckArgs(argv: string[]): CheckArgs {
  const args: CheckArgs = {
    url: '', browser: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', prompt: 'Explain durable sessions in one paragraph.',
    input: null, send: null, stop: null, secondTabUrl: null, driver: null, timeoutMs: 15_000, dropAfter: 5, only: ALL_TESTS,
    json: null, junit: null, trace: null, headed: false, mock: null, mockUrl: null,
  };
  const rest = [...argv];
  const value = (flag: string): string => {
    const v = rest.shift();
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const positional: string[] = [];
  while (rest.length) {
    const a = rest.shift()!;
    switch (a) {
      case '--prompt': args.prompt = value(a); break;
      case '--input': args.input = value(a); break;
      case '--send': args.send = value(a); break;
      case '--stop': args.stop = value(a); break;
      case '--second-tab-url': args.secondTabUrl = value(a); break;
      case '--driver': args.driver = value(a); break;
      case '--browser': args.browser = value(a); break;
      case '--json': args.json = value(a); break;
      case '--junit': args.junit = value(a); break;
      case '--trace': args.trace = value(a); break;
      case '--headed': args.headed = true; break;
      case '--mock': args.mock = value(a); break;
      case '--mock-url': args.mockUrl = value(a); break;
      case '--timeout': {
        const n = Number(value(a));
        if (!Number.isFinite(n) || n <= 0 || n > 600) throw new UsageError('--timeout takes seconds between 1 and 600');
        args.timeoutMs = n * 1000;
        break;
      }
      case '--drop-after': {
        const n = Number(value(a));
        if (!Number.isInteger(n) || n < 1) throw new UsageError('--drop-after takes a positive whole number of events');
        args.dropAfter = n;
        break;
      }
      case '--only': {
        const list = value(a).split(',').map((s) => s.trim()).filter(Boolean);
        const bad = list.filter((t) => !ALL_TESTS.includes(t as TestId));
        if (bad.length || list.length === 0) throw new UsageError(`--only takes ${ALL_TESTS.join(', ')} (got ${bad.join(', ') || 'nothing'})`);
        args.only = list as TestId[];
        break;
      }
      default:
        if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
        positional.push(a);
    }
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'missing <url>' : `expected one <url>, got ${positional.length}`);
  try {
    const u = new URL(positional[0]!);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new UsageError(`not an http(s) URL: ${positional[0]}`);
  }
  args.url = positional[0]!;
  if (args.mockUrl !== null && args.mock === null) throw new UsageError('--mock-url needs --mock FILE');
  return args;
}
