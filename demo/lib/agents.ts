/**
 * Deterministic multi-agent script: an orchestrator speaks, then the
 * researcher and writer alternate token by token, then the orchestrator
 * concludes. Each tick is a list of events emitted together.
 */
import type { GenParams } from '../model.js';
import { generateTokens } from '../model.js';

export const AGENTS = ['orchestrator', 'researcher', 'writer'] as const;
export type AgentName = (typeof AGENTS)[number];

export type AgentEvent =
  | { agent: AgentName; type: 'agent-start' }
  | { agent: AgentName; type: 'text-delta'; delta: string }
  | { agent: AgentName; type: 'agent-end' };

/** Every agent produces `p.tokens` tokens. */
export function agentScript(p: GenParams): AgentEvent[][] {
  const tok = (a: AgentName, i: number): string[] => generateTokens(`${a}: ${p.prompt}`, (p.seed + i * 7919) | 0, p.tokens);
  const [orch, res, wri] = [tok('orchestrator', 0), tok('researcher', 1), tok('writer', 2)];
  const ticks: AgentEvent[][] = [];
  const split = Math.floor(orch.length / 2);
  const delta = (agent: AgentName, d: string): AgentEvent => ({ agent, type: 'text-delta', delta: d });

  ticks.push([{ agent: 'orchestrator', type: 'agent-start' }]);
  for (let i = 0; i < split; i++) ticks.push([delta('orchestrator', orch[i]!)]);
  ticks.push([
    { agent: 'researcher', type: 'agent-start' },
    { agent: 'writer', type: 'agent-start' },
  ]);
  for (let i = 0; i < Math.max(res.length, wri.length); i++) {
    if (i < res.length) ticks.push([delta('researcher', res[i]!)]);
    if (i < wri.length) ticks.push([delta('writer', wri[i]!)]);
  }
  ticks.push([
    { agent: 'researcher', type: 'agent-end' },
    { agent: 'writer', type: 'agent-end' },
  ]);
  for (let i = split; i < orch.length; i++) ticks.push([delta('orchestrator', orch[i]!)]);
  ticks.push([{ agent: 'orchestrator', type: 'agent-end' }]);
  return ticks;
}
