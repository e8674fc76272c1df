/**
 * Reconnect-resume: drop the AI stream(s) mid-generation and watch whether the app reconnects
 * by itself, what it asks for, and whether the answer continues and completes.
 */
import { reconnectResumeVerdict, enginePollPath, findResumes, longPollPath, type Verdict } from '../../core/analysis';
import type { TestContext } from './context';
import { waitForGeneration, pageSettled, waitFor } from './waits';

export async function runReconnectResume(ctx: TestContext): Promise<Verdict> {
  const { tabId, options } = ctx;
  const streams = await waitForGeneration(ctx, tabId, options.dropAfterEvents);
  if (!streams) return reconnectResumeVerdict({ conns: await ctx.connections(tabId), droppedAt: null, droppedConnectionIds: [], timeoutMs: options.timeoutMs });

  const faultId = `test-drop-${ctx.newId()}`;
  const armedIds = streams.map((s) => s.conn.summary.id);
  for (const s of streams) {
    const id = s.conn.summary.id;
    // A long-poll stream's request of the moment is over within a poll (an Engine.IO polling
    // session's too): the drop follows the stream to the request that waits for data when it arrives.
    const followPath = longPollPath(s) ?? enginePollPath(s);
    ctx.armFault(tabId, { id: `${faultId}-${id}`, kind: 'drop', trigger: { kind: 'now' }, scope: { kind: 'connection', connectionId: id, ...(followPath ? { followPath } : {}) }, probability: 1, once: true });
  }
  ctx.progress(`dropping ${armedIds.length === 1 ? 'the stream' : `${armedIds.length} streams`}`);
  // The streams the drop hit, found by the fault's id: for a long-poll stream that is the
  // logical stream ending in the request it cut, no longer the one it was armed with.
  const fired = await waitFor(ctx, 'waiting for the drop to take effect', 5000, async () => {
    const hit = (await ctx.connections(tabId)).filter((c) => c.conn.summary.faults.some((f) => f.kind === 'drop' && f.id.startsWith(faultId)));
    const times = hit.flatMap((c) => c.conn.summary.faults.filter((f) => f.kind === 'drop' && f.id.startsWith(faultId)).map((f) => f.time));
    return hit.length > 0 ? { at: Math.min(...times), ids: hit.map((c) => c.conn.summary.id) } : null;
  });
  for (const id of armedIds) ctx.disarmFault(tabId, `${faultId}-${id}`);
  if (fired === null) return reconnectResumeVerdict({ conns: await ctx.connections(tabId), droppedAt: null, droppedConnectionIds: [], timeoutMs: options.timeoutMs });

  const ids = fired.ids;
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
  return reconnectResumeVerdict({ conns: await ctx.connections(tabId), droppedAt: fired.at, droppedConnectionIds: ids, timeoutMs: options.timeoutMs, view: await ctx.view(tabId) });
}
