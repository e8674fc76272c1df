// One-off (not committed): the real DevTools panel's main thread while 1,000 events/s stream in.
import { openPanel, poll } from '../src/cli/devtools-panel';
import { DIST, attachTab, launch, privateExtensionCopy, sleep } from './lib/browser';
import { startPacedServer } from './paced-server';
const rate = Number(process.argv[2] ?? 1000);
const select = process.argv[3] !== 'noselect';
const dir = privateExtensionCopy(DIST);
const paced = await startPacedServer();
const browser = await launch({ extensionDir: dir, devtools: true });
const pageUrl = `${paced.url}/?latency`;
const first = (await browser.cdp.targets()).find((t) => t.type === 'page' && t.url === 'about:blank')!;
const page = await attachTab(browser.cdp, first.targetId);
await page.goto(pageUrl);
const panel = await openPanel(browser.cdp, browser.extensionId!, pageUrl);
await page.evaluate(`(() => { const es = new EventSource('/paced/sse?rate=${rate}&n=${rate * 6}&size=100&delay=1500&tag=t1'); es.addEventListener('done', () => { es.close(); window.__done = true; }); return true; })()`);
if (select) await poll(() => panel.evaluate<boolean>(`(() => { const tr = [...document.querySelectorAll('table[aria-label="Streaming connections"] tbody tr')].find((r) => r.querySelector('td.url')?.title.includes('t1')); if (!tr) return false; tr.click(); return true; })()`), 'row', 10000, 50);
const s = panel.sessionId;
await browser.cdp.send('Profiler.enable', {}, s);
await browser.cdp.send('Profiler.setSamplingInterval', { interval: 500 }, s);
await browser.cdp.send('Profiler.start', {}, s);
await sleep(4000);
const { profile } = await browser.cdp.send<{ profile: any }>('Profiler.stop', {}, s);
const byNode = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) byNode.set(profile.samples[i], (byNode.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const nodeById = new Map(profile.nodes.map((n: any) => [n.id, n]));
const fn = new Map<string, number>();
const incl = new Map<string, number>();
let total = 0;
const name = (n: any) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
for (const n of profile.nodes) {
  const ms = byNode.get(n.id) ?? 0; if (!ms || n.callFrame.functionName === '(idle)') continue; total += ms;
  fn.set(name(n), (fn.get(name(n)) ?? 0) + ms);
  const seen = new Set<string>();
  for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) { const k = name(nodeById.get(id)); if (seen.has(k)) continue; seen.add(k); incl.set(k, (incl.get(k) ?? 0) + ms); }
}
console.log('panel busy ms in 4 s:', total.toFixed(0));
console.log('-- self');
for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(v.toFixed(0).padStart(6), k);
console.log('-- inclusive');
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(v.toFixed(0).padStart(6), k);
await browser.close(); await paced.close();
