/**
 * Reconnect-resume: drop the AI stream(s) mid-generation and watch whether the app reconnects
 * by itself, what it asks for, and whether the answer continues and completes.
 */
import { reconnectResumeVerdict, findResumes, type Verdict } from '../../core/analysis';
import type { TestContext } from './context';
import { waitForGeneration, pageSettled, waitFor } from './waits';

export async function runReconnectResume(ctx: TestContext): Promise<Verdict> {
  const { tabId, options } = ctx;
  const streams = await waitForGeneration(ctx, tabId, options.dropAfterEvents);
  if (!streams) return reconnectResumeVerdict({ conns: await ctx.connections(tabId), droppedAt: null, droppedConnectionIds: [], timeoutMs: options.timeoutMs });

  const faultId = `test-drop-${ctx.newId()}`;
  const ids = streams.map((s) => s.conn.summary.id);
  for (const id of ids) ctx.armFault(tabId, { id: `${faultId}-${id}`, kind: 'drop', trigger: { kind: 'now' }, scope: { kind: 'connection', connectionId: id }, probability: 1, once: true });
  ctx.progress(`dropping ${ids.length === 1 ? 'the stream' : `${ids.length} streams`}`);
  const fired = await waitFor(ctx, 'waiting for the drop to take effect', 5000, async () => {
    const conns = (await ctx.connections(tabId)).filter((c) => ids.includes(c.conn.summary.id));
    const faults = conns.flatMap((c) => c.conn.summary.faults.filter((f) => f.kind === 'drop' && f.id.startsWith(faultId)));
    return faults.length > 0 ? Math.min(...faults.map((f) => f.time)) : null;
  });
  for (const id of ids) ctx.disarmFault(tabId, `${faultId}-${id}`);
  if (fired === null) return reconnectResumeVerdict({ conns: await ctx.connections(tabId), droppedAt: null, droppedConnectionIds: [], timeoutMs: options.timeoutMs });

  await waitFor(ctx, 'waiting for the app to reconnect and finish the answer', options.timeoutMs, async () => {
    const conns = await ctx.connections(tabId);
    const resumed = findResumes(conns).filter((r) => ids.includes(r.before.connectionId));
    const done = resumed.some((r) => {
      const after = conns.find((c) => c.conn.summary.id === r.after.connectionId);
      return after && (after.output.messages.some((m) => m.finished || m.cancelled) || after.conn.summary.state === 'ended');
    });
    return done ? true : null;
  });
  await pageSettled(ctx, tabId);
  return reconnectResumeVerdict({ conns: await ctx.connections(tabId), droppedAt: fired, droppedConnectionIds: ids, timeoutMs: options.timeoutMs, view: await ctx.view(tabId) });
}
