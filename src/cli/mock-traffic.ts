/**
 * A request the hook answers from a mock never reaches the network, so Playwright (and the
 * send attempts that watch it, traffic.ts) never sees it. The capture does: its `open` record
 * arrives with the tab's records, and counts as the traffic a send attempt waits for.
 */
import type { Control } from './control';
import type { TrafficWatch } from './traffic';
import { isUrlPattern, patternMatches, replayKey, type ReplayRecording } from '../core/replay/recording';

export function watchMockedRequests(control: Control, recording: ReplayRecording, traffic: TrafficWatch): () => void {
  const key = replayKey(recording.method, recording.url);
  const matches = (method: string, url: string): boolean => (isUrlPattern(recording.url) ? patternMatches(key, replayKey(method, url)) : replayKey(method, url) === key);
  return control.client.on('records', (m) => {
    if (m.tabId !== control.tabId) return;
    for (const r of m.records) if (r.type === 'open' && matches(r.method, r.url)) traffic.served(r.method, r.url, r.requestBodyPreview ?? '');
  });
}
