/**
 * The GitHub Action's check step (scripts/action-check.sh, run by action.yml) as a runner
 * runs it: the environment a composite step gets, against the demo app served here. Its
 * outputs, job summary and files are what the job shows and uploads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import { startDemoServer, type DemoServer } from '../../demo/server';

const ROOT = resolve(import.meta.dirname, '../..');
let demo: DemoServer;

beforeAll(async () => {
  demo = await startDemoServer({ port: 0, tokensPerSecond: 30, tokens: 60 });
});
afterAll(async () => {
  await demo?.close();
});

function step(env: Record<string, string>): Promise<{ code: number; output: string; outputs: Record<string, string>; summary: string; workspace: string }> {
  const workspace = mkdtempSync(join(tmpdir(), 'dsi-action-'));
  const outputsFile = join(workspace, 'github-output');
  const summaryFile = join(workspace, 'step-summary.md');
  writeFileSync(outputsFile, '');
  writeFileSync(summaryFile, '');
  return new Promise((done) => {
    const child = spawn('bash', [join(ROOT, 'scripts/action-check.sh')], {
      cwd: workspace,
      env: { ...process.env, GITHUB_ACTION_PATH: ROOT, GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputsFile, GITHUB_STEP_SUMMARY: summaryFile, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => {
      const outputs = Object.fromEntries(
        readFileSync(outputsFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      done({ code: code ?? -1, output, outputs, summary: readFileSync(summaryFile, 'utf8'), workspace });
    });
  });
}

describe('the action’s check step', () => {
  it('on a trapped app: outputs, a summary table with the trap line, and the files to upload', async () => {
    const r = await step({ INPUT_URL: `${demo.url}/trapped-sse/`, INPUT_PROMPT: 'hello', INPUT_TESTS: 'reconnect-resume,second-tab-cancel', INPUT_TIMEOUT: '3', INPUT_OUTPUT_DIR: 'out' });
    // The step itself succeeds so the artifacts upload; action.yml fails the job after.
    expect(r.code, r.output).toBe(0);
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.outputs.trapped).toBe('true');
    expect(r.outputs.report).toBe(join(r.workspace, 'out/report.json'));
    for (const f of ['report.json', 'junit.xml', 'trace.dstrace.json']) expect(existsSync(join(r.workspace, 'out', f)), f).toBe(true);
    expect(r.summary).toContain('| Test | Verdict | Reason |');
    expect(r.summary).toMatch(/^\| reconnect-resume \| ❌ FAIL \| The app did not reconnect within 3 s after the stream dropped/m);
    expect(r.summary).toMatch(/^\| second-tab-cancel \| ❌ FAIL \| /m);
    expect(r.summary).toContain('**Single-Connection Trap: yes');
  });

  it('a URL that does not answer fails the step (exit 2) and says so in the summary', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const r = await step({ INPUT_URL: `http://127.0.0.1:${port}/nothing/`, INPUT_OUTPUT_DIR: 'out' });
    expect(r.code).toBe(2);
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.output).toContain('does not answer');
    expect(r.summary).toContain('No report at');
  });
});
