/**
 * Starts the demo server:
 *   tsx demo/cli.ts --port N [--host H] [--tps N] [--tokens N] [--seed N]
 */
import { CHAT_MODES, startDemoServer, type DemoServerOptions } from './server.js';

const USAGE = 'usage: tsx demo/cli.ts --port N [--host H] [--tps N] [--tokens N] [--seed N]';

function fail(msg: string): never {
  process.stderr.write(`demo: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): DemoServerOptions {
  const opts: DemoServerOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) fail(`missing value for ${flag}`);
    const num = (min: number, max: number, int = true): number => {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) {
        fail(`invalid value for ${flag}: ${JSON.stringify(value)}`);
      }
      return n;
    };
    switch (flag) {
      case '--port':
        opts.port = num(0, 65535);
        break;
      case '--host':
        if (!value) fail('invalid value for --host');
        opts.host = value;
        break;
      case '--tps':
        opts.tokensPerSecond = num(0.1, 100_000, false);
        break;
      case '--tokens':
        opts.tokens = num(0, 1_000_000);
        break;
      case '--seed':
        opts.seed = num(-2147483648, 4294967295);
        break;
      default:
        fail(`unknown flag ${flag}`);
    }
  }
  if (opts.port === undefined) fail('--port is required (0 = any free port)');
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const server = await startDemoServer(opts).catch((err: Error) => fail(`cannot start: ${err.message}`));
process.stdout.write(`Demo at ${server.url}/ — modes: ${CHAT_MODES.map((m) => `${server.url}/${m}/`).join(' ')} bench: ${server.url}/bench/sse\n`);
const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
