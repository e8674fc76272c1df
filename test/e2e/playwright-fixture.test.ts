/**
 * The Playwright fixture as a team runs it: the real `playwright test` command in a child
 * process, on the example specs (examples/playwright: the demo's durable modes pass, its
 * trapped modes fail with the expected reasons, a zoo app on the openai client passes) and on
 * a spec that must fail (test/e2e/playwright), read back from Playwright's JSON reporter.
 * Both import the built package by name (dist-lib/, as `npm run build` makes it).
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importTrace } from '../../src/core/export';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'node_modules/@playwright/test/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'dsi-pw-'));

interface Attachment {
  name: string;
  contentType: string;
  path?: string;
  body?: string;
}
interface Result {
  status: string;
  retry: number;
  errors: Array<{ message?: string }>;
  attachments: Attachment[];
}
interface Spec {
  title: string;
  file: string;
  tests: Array<{ status: string; results: Result[] }>;
}
interface Suite {
  specs?: Spec[];
  suites?: Suite[];
}

function specsOf(suite: Suite): Spec[] {
  return [...(suite.specs ?? []), ...(suite.suites ?? []).flatMap(specsOf)];
}

function playwright(config: string, extra: string[], name: string): Promise<{ code: number; output: string; specs: Spec[] }> {
  const json = join(dir, `${name}.json`);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, 'test', '-c', config, '--reporter=list,json', ...extra], {
      cwd: ROOT,
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: json, FORCE_COLOR: '0', PWDEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', fail);
    child.on('close', (code) => {
      try {
        const report = JSON.parse(readFileSync(json, 'utf8')) as { suites: Suite[] };
        done({ code: code ?? -1, output, specs: report.suites.flatMap(specsOf) });
      } catch (error) {
        fail(new Error(`no JSON report from playwright (${String(error)}):\n${output}`));
      }
    });
  });
}

const attachment = (r: Result, name: string): Attachment | undefined => r.attachments.find((a) => a.name === name);

async function expectTraceImports(a: Attachment | undefined, context: string): Promise<string[]> {
  expect(a?.path, `${context}: no trace attached`).toBeTruthy();
  const imported = await importTrace(readFileSync(a!.path!));
  expect(imported.ok, `${context}: ${JSON.stringify(imported).slice(0, 300)}`).toBe(true);
  return imported.ok ? imported.trace.sessions.flatMap((s) => s.connections.map((c) => c.summary.url)) : [];
}

describe('the Playwright fixture', () => {
  it('runs the example specs: durable modes pass, trapped modes fail with their reasons, the zoo app passes', async () => {
    const run = await playwright('examples/playwright/playwright.config.ts', [], 'examples');
    expect(run.code, run.output).toBe(0);
    const byTitle = new Map(run.specs.map((s) => [s.title, s]));
    expect([...byTitle.keys()].sort()).toEqual([
      'capture and fault: the session so far, and a drop of your own',
      'durable-sse: the answer survives a drop, shows in a second tab and stops from it',
      'durable-ws: the answer survives a drop, shows in a second tab and stops from it',
      'openai Responses in background mode passes all three tests',
      'trapped-sse: the Single-Connection Trap, with the reasons',
      'trapped-ws: the Single-Connection Trap, with the reasons',
    ]);
    for (const spec of run.specs) expect(spec.tests[0]?.status, `${spec.title}\n${run.output}`).toBe('expected');

    // The example config attaches every spec's verdicts and capture (durableTrace: 'on').
    const verdicts = (title: string): string[] => {
      const report = attachment(byTitle.get(title)!.tests[0]!.results[0]!, 'durable-sessions report');
      const parsed = JSON.parse(Buffer.from(report!.body!, 'base64').toString('utf8')) as { tests: Array<{ id: string; verdict: string }>; trapped: boolean | null };
      return [...parsed.tests.map((t) => `${t.id}:${t.verdict}`), `trapped:${parsed.trapped}`];
    };
    expect(verdicts('durable-sse: the answer survives a drop, shows in a second tab and stops from it')).toEqual(['reconnect-resume:pass', 'multi-surface:pass', 'second-tab-cancel:pass', 'trapped:false']);
    expect(verdicts('trapped-ws: the Single-Connection Trap, with the reasons')).toEqual(['reconnect-resume:fail', 'multi-surface:fail', 'second-tab-cancel:fail', 'trapped:true']);
    const urls = await expectTraceImports(attachment(byTitle.get('trapped-sse: the Single-Connection Trap, with the reasons')!.tests[0]!.results[0]!, 'durable-sessions trace'), 'trapped-sse');
    expect(urls.some((u) => u.endsWith('/trapped-sse/api/chat'))).toBe(true);
  }, 400_000);

  it('a failing spec prints the reason and evidence, and every attempt carries the trace', async () => {
    const run = await playwright('test/e2e/playwright/playwright.config.ts', ['--retries=1'], 'failing');
    expect(run.code, run.output).toBe(1);
    const [spec] = run.specs;
    expect(spec?.tests[0]?.status, run.output).toBe('unexpected');
    const results = spec!.tests[0]!.results;
    expect(results.map((r) => [r.retry, r.status])).toEqual([
      [0, 'failed'],
      [1, 'failed'],
    ]);
    for (const r of results) {
      const message = r.errors.map((e) => e.message ?? '').join('\n');
      expect(message).toContain('expected reconnect-resume to PASS, but it is FAIL');
      expect(message).toContain('The app did not reconnect within 3 s after the stream dropped');
      expect(message).toMatch(/· dropped after \d+ events/);
      expect(message).toContain('→ Give the stream an id');
      const urls = await expectTraceImports(attachment(r, 'durable-sessions trace'), `attempt ${r.retry}`);
      expect(urls.some((u) => u.endsWith('/trapped-sse/api/chat'))).toBe(true);
    }
    // The list reporter's output (what a CI log shows) has the same reason.
    expect(run.output).toContain('The app did not reconnect within 3 s after the stream dropped');
  }, 200_000);
});
