/** The demo app on a free port for the failing spec. */
import { startDemoServer } from '../../../demo/server';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const demo = await startDemoServer({ port: 0, tokensPerSecond: 30, tokens: 60 });
  process.env.DEMO_URL = demo.url;
  return () => demo.close();
}
