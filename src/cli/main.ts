/**
 * Entry of the `durable-sessions` command. Usage and setup problems exit 2 with one clear
 * line; otherwise the exit code says whether every test passed (0) or not (1).
 */
import { parseCheckArgs, UsageError, USAGE } from './args';
import { runCheck, SetupError, type Output } from './check';

function output(): Output {
  const tty = process.stdout.isTTY === true;
  let shown = false;
  return {
    line(text) {
      if (tty && shown) process.stdout.write('\r\x1b[2K');
      shown = false;
      process.stdout.write(`${text}\n`);
    },
    progress(text) {
      if (tty) {
        process.stdout.write(`\r\x1b[2K${text}`);
        shown = true;
      } else process.stdout.write(`${text}\n`);
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'check') {
    process.stderr.write(`durable-sessions: unknown command "${command}"\n${USAGE}\n`);
    return 2;
  }
  try {
    const args = parseCheckArgs(rest);
    const { code } = await runCheck(args, output());
    return code;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`durable-sessions: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof SetupError) {
      process.stderr.write(`durable-sessions: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`durable-sessions: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}
