/**
 * `durable-sessions check` as CI runs it: the real command in a child process against the demo
 * app served by this test, with exit codes, the report card, JSON, JUnit XML and trace files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLValidator, XMLParser } from 'fast-xml-parser';
import { startDemoServer, type DemoServer } from '../../demo/server';
import { importTrace } from '../../src/core/export';

const BIN = resolve(import.meta.dirname, '../../bin/durable-sessions.mjs');
let demo: DemoServer;
const dir = mkdtempSync(join(tmpdir(), 'dsi-cli-'));

beforeAll(async () => {
  demo = await startDemoServer({ port: 0, tokensPerSecond: 30, tokens: 60 });
});
afterAll(async () => {
  await demo?.close();
});

function check(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [BIN, 'check', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolveRun({ code: code ?? -1, stdout, stderr }));
  });
}

type Report = { url: string; tests: Array<{ id: string; verdict: string; reason: string; evidence: unknown[] }>; flags: Array<{ id: string; severity: string; message: string; evidence: unknown[] }>; trapped: boolean | null };

describe('durable-sessions check against every demo mode', () => {
  // The direct multi-agent run lasts ~6 s (sub-agents take turns): it needs the time to finish.
  const expected: Record<string, { verdicts: [string, string, string]; code: number; trapped: boolean | null; timeout?: string }> = {
    'trapped-sse': { verdicts: ['fail', 'fail', 'fail'], code: 1, trapped: true },
    'trapped-ws': { verdicts: ['fail', 'fail', 'fail'], code: 1, trapped: true },
    'durable-sse': { verdicts: ['pass', 'pass', 'pass'], code: 0, trapped: false },
    'durable-ws': { verdicts: ['pass', 'pass', 'pass'], code: 0, trapped: false },
    eventsource: { verdicts: ['pass', 'fail', 'fail'], code: 1, trapped: true },
    'eventsource/?ids=0': { verdicts: ['fail', 'fail', 'fail'], code: 1, trapped: true },
    'multi-agent-funnel': { verdicts: ['fail', 'fail', 'fail'], code: 1, trapped: true },
    'multi-agent-direct': { verdicts: ['pass', 'fail', 'fail'], code: 1, trapped: true, timeout: '12' },
  };
  for (const [mode, want] of Object.entries(expected)) {
    it(`${mode} → ${want.verdicts.join('/')}, exit ${want.code}`, async () => {
      const json = join(dir, `${mode.replace(/\W/g, '_')}.json`);
      const url = `${demo.url}/${mode.includes('?') ? mode : `${mode}/`}`;
      const r = await check([url, '--prompt', 'hello', '--timeout', want.timeout ?? '4', '--json', json]);
      expect(r.code, r.stdout + r.stderr).toBe(want.code);
      const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
      expect(report.url).toBe(url);
      expect(report.tests.map((t) => [t.id, t.verdict]), r.stdout).toEqual([
        ['reconnect-resume', want.verdicts[0]],
        ['multi-surface', want.verdicts[1]],
        ['second-tab-cancel', want.verdicts[2]],
      ]);
      expect(report.trapped).toBe(want.trapped);
      for (const t of report.tests) expect(typeof t.reason).toBe('string');
      if (mode === 'multi-agent-funnel') expect(report.flags.map((f) => f.id)).toContain('orchestrator-funnel');
      if (mode === 'multi-agent-direct') expect(report.flags.map((f) => f.id)).not.toContain('orchestrator-funnel');
      // The report card on stdout says the same.
      expect(r.stdout).toContain(`Durable Sessions check — ${url}`);
      expect(r.stdout).toMatch(want.trapped ? /Single-Connection Trap: yes/ : /Single-Connection Trap: no/);
    });
  }
});

describe('outputs for CI', () => {
  it('writes valid JUnit XML and a trace that imports', async () => {
    const junit = join(dir, 'report.xml');
    const trace = join(dir, 'capture.dstrace.json');
    const r = await check([`${demo.url}/trapped-sse/`, '--prompt', 'ci', '--timeout', '3', '--only', 'reconnect-resume,second-tab-cancel', '--junit', junit, '--trace', trace]);
    expect(r.code).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as { testsuites: { '@_tests': string; '@_failures': string; testsuite: { testcase: Array<{ '@_name': string; failure?: unknown }> } } };
    expect(doc.testsuites['@_tests']).toBe('2');
    expect(doc.testsuites['@_failures']).toBe('2');
    expect(doc.testsuites.testsuite.testcase.map((c) => c['@_name'])).toEqual(['reconnect-resume', 'second-tab-cancel']);
    const imported = await importTrace(readFileSync(trace));
    expect(imported.ok, JSON.stringify(imported)).toBe(true);
    if (imported.ok) {
      const urls = imported.trace.sessions.flatMap((s) => s.connections.map((c) => c.summary.url));
      expect(urls.some((u) => u.endsWith('/trapped-sse/api/chat'))).toBe(true);
      expect(imported.trace.flags.map((f) => f.id)).toContain('request-bound-stream');
    }
  });

  it('prints progress as plain lines when stdout is not a terminal', async () => {
    const r = await check([`${demo.url}/durable-sse/`, '--prompt', 'ci', '--only', 'reconnect-resume']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^reconnect-resume: waiting for a generation to stream… \d+\.\d s$/m);
    expect(r.stdout).not.toContain('\r');
  });
});

describe('a --driver module', () => {
  const driver = resolve(import.meta.dirname, '../fixtures/drivers/demo-driver.mjs');
  it('sends the prompt and presses stop in the second tab itself', async () => {
    const json = join(dir, 'driver.json');
    const durable = await check([`${demo.url}/durable-sse/`, '--driver', driver, '--only', 'second-tab-cancel', '--json', json]);
    expect(durable.code, durable.stdout).toBe(0);
    expect((JSON.parse(readFileSync(json, 'utf8')) as Report).tests[0]!.evidence.map((e) => (e as { label: string }).label)).toContain('pressed “Stop (driver)” in tab B');
    const trapped = await check([`${demo.url}/trapped-sse/`, '--driver', driver, '--only', 'second-tab-cancel', '--json', json]);
    expect(trapped.code).toBe(1);
    expect((JSON.parse(readFileSync(json, 'utf8')) as Report).tests[0]!.reason).toMatch(/disabled there/);
  });
});

describe('usage and setup errors exit 2 with one clear line', () => {
  it('a URL that does not answer', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const r = await check([`http://127.0.0.1:${port}/nothing-here/`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`durable-sessions: http://127.0.0.1:${port}/nothing-here/ does not answer (ECONNREFUSED)`);
  });
  it('a missing browser', async () => {
    const r = await check([`${demo.url}/durable-sse/`, '--browser', '/nonexistent/chromium']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no browser at \/nonexistent\/chromium/);
  });
  it('bad options', async () => {
    for (const args of [[], ['not-a-url'], [`${demo.url}/`, '--only', 'everything'], [`${demo.url}/`, '--timeout', '-1']]) {
      const r = await check(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^durable-sessions: /);
    }
  });
});
