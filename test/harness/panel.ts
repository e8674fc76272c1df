/** Reading and driving the panel as a user would: by visible text, roles and labels. */
import { tableRows, type PanelHandle } from '../../src/cli/devtools-panel';

export interface ConnectionRow {
  url: string;
  kind: string;
  status: string;
  events: number;
  received: string;
}

export async function connectionRows(panel: PanelHandle): Promise<ConnectionRow[]> {
  const rows = await tableRows(panel, 'Streaming connections');
  return rows.map(([url = '', kind = '', status = '', events = '0', received = '']) => ({ url, kind, status, events: Number(events), received }));
}

/** Waits until a connection row matches, and returns it. */
export async function waitForConnection(panel: PanelHandle, what: string, match: (r: ConnectionRow) => boolean, timeoutMs = 20_000): Promise<ConnectionRow> {
  const deadline = Date.now() + timeoutMs;
  let last: ConnectionRow[] = [];
  while (Date.now() < deadline) {
    last = await connectionRows(panel);
    const hit = last.find(match);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no connection row for ${what}; the panel shows ${JSON.stringify(last)}`);
}

export async function selectConnection(panel: PanelHandle, urlPart: string): Promise<void> {
  await panel.evaluate(`(() => {
    const row = [...document.querySelectorAll('table[aria-label="Streaming connections"] tbody tr')].find((tr) => tr.cells[0].innerText.includes(${JSON.stringify(urlPart)}));
    if (!row) throw new Error('no row for ${urlPart}');
    row.click();
    return true;
  })()`);
}

export function eventRows(panel: PanelHandle): Promise<string[][]> {
  return tableRows(panel, 'Connection events');
}
