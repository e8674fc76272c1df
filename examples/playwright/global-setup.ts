/**
 * Serves the apps the example specs test, each on a free port (many runs share a machine):
 * the demo app (durable and trapped modes) and one zoo app on the official `openai` client.
 * In your own project this is your app's `webServer`, and the specs read its URL instead.
 */
import { startDemoServer } from '../../demo/server';
import { startOpenAiApp } from '../../test/zoo/openai/server';

export default async function globalSetup(): Promise<() => Promise<void>> {
  // A 2-second answer: long enough to drop, join and stop mid-generation, short enough for CI.
  const demo = await startDemoServer({ port: 0, tokensPerSecond: 30, tokens: 60 });
  const zoo = await startOpenAiApp({ name: 'openai client (responses, background + stream)', mode: 'responses' });
  // Workers start after the global setup and inherit its environment.
  process.env.DEMO_URL = demo.url;
  process.env.ZOO_OPENAI_URL = `${zoo.origin}${zoo.path}`;
  return async () => {
    await zoo.close();
    await demo.close();
  };
}
