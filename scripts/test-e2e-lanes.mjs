// Runs the e2e lanes of vitest.config.ts (e2e-a, e2e-b) at the same time, one Vitest process
// each: a single `vitest run --project 'e2e-*'` ran them one after the other here (Vitest 4.1,
// one file at a time in each project). Output is passed on a whole line at a time, each line
// already names its lane; the exit code is the first failing lane's.
// Extra arguments (a file filter, a reporter) go to both lanes; with a filter, a lane that has
// none of its files passes.
import { spawn } from 'node:child_process';

const lanes = ['e2e-a', 'e2e-b'];
const extra = process.argv.length > 2 ? [...process.argv.slice(2), '--passWithNoTests'] : [];

function run(lane) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['vitest', 'run', '--project', lane, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      let rest = '';
      from.setEncoding('utf8');
      from.on('data', (text) => {
        const lines = (rest + text).split('\n');
        rest = lines.pop() ?? '';
        if (lines.length > 0) to.write(`${lines.join('\n')}\n`);
      });
      from.on('end', () => rest && to.write(`${rest}\n`));
    }
    child.on('error', (error) => {
      console.error(`${lane}: could not start Vitest: ${error.message}`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      console.log(`${lane}: ${code === 0 ? 'passed' : `failed (${signal ?? `exit ${code}`})`}`);
      resolve(code ?? 1);
    });
  });
}

const codes = await Promise.all(lanes.map(run));
process.exitCode = codes.find((c) => c !== 0) ?? 0;
