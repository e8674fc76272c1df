/**
 * `npm start`: the main job on the bundled demo app. Serves the demo, then
 *  - with a display: opens Chromium with the extension and DevTools on the demo, and stays up;
 *  - without one (or with --headless): drives a generation in headless Chromium, opens the real
 *    panel, prints what it shows and saves a screenshot, then says how to view it yourself.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { startDemoServer } from '../demo/server';
import { launchBrowser } from '../src/cli/chromium';
import { openPanel, tableRows } from '../src/cli/devtools-panel';

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
  console.log('No display: running headless. Driving one generation per mode and reading the real DevTools panel…');
  mkdirSync('artifacts', { recursive: true });
  const browser = await launchBrowser({ devtools: true });
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${demo.url}/`);
    // The panel stays open across the tab's navigations, as it does for a user.
    const panel = await openPanel(browser.cdp, browser.extensionId!, `${demo.url}/`);
    for (const mode of ['trapped-sse', 'durable-sse', 'trapped-ws', 'durable-ws']) {
      await page.goto(`${demo.url}/${mode}/`);
      await page.getByLabel('Prompt').fill('Explain durable sessions');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 30_000 });
      // The panel trails the page by a batch or two: print it once it has settled.
      let rows = await tableRows(panel, 'Streaming connections');
      for (let settled = 0; settled < 3; ) {
        await new Promise((r) => setTimeout(r, 200));
        const next = await tableRows(panel, 'Streaming connections');
        settled = JSON.stringify(next) === JSON.stringify(rows) && rows.length > 0 ? settled + 1 : 0;
        rows = next;
      }
      console.log(`\n${mode}: the panel shows`);
      for (const row of rows) console.log(`  ${row.join('  |  ')}`);
      const shot = `artifacts/start-${mode}.png`;
      writeFileSync(shot, await panel.screenshot());
      console.log(`  screenshot: ${shot}`);
    }
  } finally {
    await browser.close();
    await demo.close();
  }
  console.log(`\nTo look yourself: run "npm run demo -- --port 4777", load dist/chrome as an unpacked extension in Chrome`);
  console.log('(chrome://extensions → Developer mode → Load unpacked), open http://127.0.0.1:4777/ and DevTools → "Durable Sessions".');
}
