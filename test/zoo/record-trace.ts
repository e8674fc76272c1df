/**
 * Records a zoo app's reconnect-resume run as a trace fixture for the unit tests
 * (test/fixtures/traces/zoo/): the CLI's own `--trace` output, redacted as every export is.
 *
 *   npx tsx test/zoo/record-trace.ts socketio socketio-rooms test/fixtures/traces/zoo/socketio-rooms.dstrace.json
 */
import { checkWithCli } from './check';
import type { ZooVariant } from './types';

const FAMILIES: Record<string, () => Promise<readonly ZooVariant[]>> = {
  'ai-sdk': async () => (await import('./ai-sdk/variants')).aiSdkVariants,
  mcp: async () => (await import('./mcp')).mcpVariants,
  openai: async () => (await import('./openai')).openaiVariants,
  socketio: async () => (await import('./socketio')).socketioVariants,
  trpc: async () => (await import('./trpc')).trpcVariants,
  'durable-streams': async () => (await import('./durable-streams')).durableStreamsVariants,
};

async function main(): Promise<void> {
  const [family, id, out] = process.argv.slice(2);
  const variant = (await FAMILIES[family ?? '']?.())?.find((v) => v.id === id);
  if (!variant || !out) throw new Error('usage: record-trace.ts <family> <variant> <out.dstrace.json>');
  const app = await variant.start();
  try {
    const r = await checkWithCli(app.origin + app.path, 'Record a trace', ['--only', 'reconnect-resume', '--trace', out]);
    console.log(r.report?.tests.map((t) => `${t.id}: ${t.verdict} — ${t.reason}`).join('\n') ?? r.output);
  } finally {
    await app.close();
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
