import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, SOURCE, isBackgroundToPanel, isCommandToHook, isHookCaptureBatch, isPanelToBackground, isRelayToBackground, message } from '../../../src/messages';

describe('message protocol guards', () => {
  it('accept messages built with message()', () => {
    expect(isHookCaptureBatch(message({ type: 'capture', hook: 'a1b2c3d4', records: [] }))).toBe(true);
    expect(isRelayToBackground(message({ type: 'capture', seq: 1, records: [] }))).toBe(true);
    expect(isRelayToBackground(message({ type: 'hello', url: 'http://x/', docId: 'd', firstConnect: true, nextSeq: 1 }))).toBe(true);
    expect(isPanelToBackground(message({ type: 'subscribe', tabId: 3 }))).toBe(true);
    expect(isBackgroundToPanel(message({ type: 'reset', tabId: 3, reason: 'cleared' }))).toBe(true);
    expect(isCommandToHook(message({ type: 'set-recording', recording: false }))).toBe(true);
  });

  it('reject other sources, other versions and ad-hoc shapes', () => {
    expect(isHookCaptureBatch({ source: 'someone-else', v: PROTOCOL_VERSION, type: 'capture', hook: 'x', records: [] })).toBe(false);
    expect(isRelayToBackground({ source: SOURCE, v: PROTOCOL_VERSION, type: 'capture', records: [] })).toBe(false);
    expect(isHookCaptureBatch({ source: SOURCE, v: PROTOCOL_VERSION + 1, type: 'capture', records: [] })).toBe(false);
    expect(isPanelToBackground({ source: SOURCE, v: PROTOCOL_VERSION, type: 'subscribe', tabId: '3' })).toBe(false);
    expect(isPanelToBackground({ source: SOURCE, v: PROTOCOL_VERSION, type: 'open-tab', url: 'http://evil/' })).toBe(false);
    expect(isRelayToBackground([SOURCE])).toBe(false);
    expect(isCommandToHook(null)).toBe(false);
  });

  it('accept the view samples the background forwards to panels, only as a list', () => {
    const samples = [{ time: 1, docId: 'd', block: 1, text: 'shown' }];
    expect(isBackgroundToPanel(message({ type: 'view', tabId: 3, samples }))).toBe(true);
    expect(isBackgroundToPanel(message({ type: 'view', tabId: 3, samples: [] }))).toBe(true);
    expect(isBackgroundToPanel(message({ type: 'view', tabId: 3 }))).toBe(false);
    expect(isBackgroundToPanel(message({ type: 'view', tabId: 3, samples: 'shown' }))).toBe(false);
    expect(isBackgroundToPanel(message({ type: 'view', tabId: 'x', samples }))).toBe(false);
    expect(isBackgroundToPanel({ source: SOURCE, v: PROTOCOL_VERSION + 1, type: 'view', tabId: 3, samples })).toBe(false);
  });
});
