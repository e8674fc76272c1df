// One-off (not committed): where a 1,000 events/s paced stream's latency builds up.
import { DIST, launch, openSubscriber, privateExtensionCopy, sleep } from './lib/browser';
import { startPacedServer } from './paced-server';
import { percentiles } from './lib/stats';
const dir = privateExtensionCopy(DIST);
const paced = await startPacedServer();
const browser = await launch({ extensionDir: dir });
const url = `${paced.url}/?prof`;
const page = await browser.newTab(url);
const sub = await openSubscriber(browser, { window: true });
await sub.subscribe(await sub.tabIdOf(url));
await page.send('Page.bringToFront');
await sleep(500);
const sw = (await browser.cdp.targets()).find((t) => t.type === 'service_worker' && t.url.includes(browser.extensionId!))!;
const swS = await browser.cdp.attach(sw.targetId);
await browser.cdp.send('Profiler.enable', {}, swS);
await browser.cdp.send('Profiler.setSamplingInterval', { interval: 500 }, swS);
await browser.cdp.send('Profiler.start', {}, swS);
await sub.tab.evaluate('(window.__bench.timing = true, window.__bench.arrivals = [], true)');
const rate = Number(process.argv[2] ?? 1000);
await page.evaluate(`new Promise((res) => { const es = new EventSource('/paced/sse?rate=${rate}&n=${rate * 5}&size=100&delay=500&tag=p'); es.addEventListener('done', () => { es.close(); res(true); }); })`);
await sleep(1500);
const arr = await sub.tab.evaluate<[number, number, string][]>('window.__bench.arrivals');
const lat = arr.map(([t, at]) => at - t);
console.log('arrivals', arr.length, percentiles(lat));
// latency over time: per second
const t0 = arr[0]?.[0] ?? 0;
const bySec = new Map<number, number[]>();
for (const [t, at] of arr) { const k = Math.floor((t - t0) / 1000); (bySec.get(k) ?? bySec.set(k, []).get(k)!).push(at - t); }
for (const [k, v] of bySec) console.log('sec', k, percentiles(v).p50.toFixed(0), percentiles(v).p95.toFixed(0));
const { profile } = await browser.cdp.send<{ profile: any }>('Profiler.stop', {}, swS);
const byNode = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) byNode.set(profile.samples[i], (byNode.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
const fn = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) { const ms = byNode.get(n.id) ?? 0; if (!ms || n.callFrame.functionName === '(idle)') continue; total += ms; const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`; fn.set(k, (fn.get(k) ?? 0) + ms); }
console.log('sw total', total.toFixed(0));
for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(v.toFixed(0).padStart(6), k);
await browser.close(); await paced.close();
