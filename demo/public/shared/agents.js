// Agent panes for the multi-agent pages: <section data-agent="…"> each gets
// one assistant message div per turn.
export const AGENTS = ['orchestrator', 'researcher', 'writer'];

/** Adds the user prompt (orchestrator pane) and one assistant div per agent; returns {agent: el}. */
export function addTurn(ui, turnId, prompt) {
  const pane = (a) => document.querySelector(`section[data-agent="${a}"]`);
  ui.addMessage('user', `${turnId}-prompt`, prompt, pane('orchestrator'));
  const els = {};
  for (const a of AGENTS) els[a] = ui.addMessage('assistant', `${turnId}-${a}`, '', pane(a));
  return els;
}
