/**
 * `npm start`: the main job on the bundled demo app. Serves the demo, then
 *  - with a display: opens Chromium with the extension and DevTools on the demo, and stays up;
 *  - without one (or with --headless): runs `durable-sessions check` against a trapped and a
 *    durable mode and prints both report cards, then says how to look for yourself.
 */
import { startDemoServer } from '../demo/server';
import { launchBrowser } from '../src/cli/chromium';
import { parseCheckArgs } from '../src/cli/args';
import { runCheck } from '../src/cli/check';

const args = process.argv.slice(2);
const headless = args.includes('--headless') || !(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 4777;

async function serve() {
  try {
    return await startDemoServer({ port });
  } catch {
    // The default port is taken (another demo running?): any free port will do.
    return startDemoServer({ port: 0 });
  }
}

const demo = await serve();
console.log(`Demo AI app: ${demo.url}/ (modes: /trapped-sse/, /durable-sse/, /trapped-ws/, /durable-ws/, /eventsource/, /multi-agent-funnel/, /multi-agent-direct/)`);

if (!headless) {
  const browser = await launchBrowser({ devtools: true, headless: false });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${demo.url}/trapped-sse/`);
  console.log('Chromium is open with the extension; DevTools → "Durable Sessions" shows the streams. Ctrl-C to stop.');
  const stop = async () => {
    await browser.close().catch(() => undefined);
    await demo.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  browser.context.on('close', stop);
} else {
  // No display: show what the product is for, anywhere: the three validation tests against a
  // trapped and a durable mode of the demo, with the report cards a CI job would print.
  console.log('No display: running the Durable Sessions check headless against the demo app.\n');
  const codes: Record<string, number> = {};
  try {
    for (const mode of ['trapped-sse', 'durable-sse']) {
      const args = parseCheckArgs([`${demo.url}/${mode}/`, '--prompt', 'Explain durable sessions', '--timeout', '6']);
      const { code } = await runCheck(args, {
        line: (text) => console.log(text),
        progress: (text) => console.log(`  ${text}`),
      });
      codes[mode] = code;
      console.log('');
    }
  } finally {
    await demo.close();
  }
  const asExpected = codes['trapped-sse'] === 1 && codes['durable-sse'] === 0;
  console.log(`trapped-sse is expected to fail all three tests and durable-sse to pass them (${asExpected ? 'as they did' : 'they did not: see above'}).`);
  console.log(`To look yourself: run "npm run demo -- --port 4777", load dist/chrome as an unpacked extension in Chrome`);
  console.log('(chrome://extensions → Developer mode → Load unpacked), open http://127.0.0.1:4777/ and DevTools → "Durable Sessions".');
  console.log('Or check any app: npx durable-sessions check <url>');
}
