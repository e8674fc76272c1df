/**
 * A request the hook answers from a mock never reaches the network, so Playwright (and the
 * send attempts that watch it, traffic.ts) never sees it. The capture does: its `open` record
 * arrives with the tab's records, and counts as the traffic a send attempt waits for.
 */
import type { Control } from './control';
import type { TrafficWatch } from './traffic';
import { isUrlPattern, patternMatches, replayKey } from '../core/replay/recording';
import { isSocketRecording, type AnyRecording } from '../core/replay/any';

/** The method and URL a recording answers (a socket's is a GET). */
export const targetOf = (r: AnyRecording): { method: string; url: string } => ({ method: isSocketRecording(r) ? 'GET' : r.method, url: r.url });

export function watchMockedRequests(control: Control, mock: AnyRecording, traffic: TrafficWatch): () => void {
  const recording = targetOf(mock);
  const key = replayKey(recording.method, recording.url);
  const matches = (method: string, url: string): boolean => (isUrlPattern(recording.url) ? patternMatches(key, replayKey(method, url)) : replayKey(method, url) === key);
  return control.client.on('records', (m) => {
    if (m.tabId !== control.tabId) return;
    for (const r of m.records) if (r.type === 'open' && matches(r.method, r.url)) traffic.served(r.method, r.url, r.requestBodyPreview ?? '');
  });
}
