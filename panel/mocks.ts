/**
 * The Mocks drawer's state and actions: the mocks the user made (from a template or a file),
 * the one being edited, and what was armed for the tab. A mock is armed with the panel's
 * `replay` request, compiled (src/core/mock/) to a fetch/XHR or a socket recording, so the hook
 * serves it as it serves a replay (a WebSocket or EventSource mock answers the app's next
 * matching `new WebSocket` / `new EventSource`);
 * "served" is read from the capture: a matching request that opened after the arming.
 */
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import { compileAnyMock, insertStep, loadMockFile, parseMock, removeStep, replaceStep, templateMock, type Mock, type MockStep, type TemplateId } from '../src/core/mock';
import { isUrlPattern, patternMatches } from '../src/core/replay/recording';
import type { TabCapture } from '../src/core/trace/model';
import type { PanelConnection } from './connect';

export interface ArmedMock {
  name: string;
  method: string;
  url: string;
  /** Epoch ms, as capture times are. */
  armedAt: number;
}

/** The key the hook matches by (src/core/replay/recording.ts `replayKey`), with this realm's URL. */
function keyOf(method: string, url: string): string {
  try {
    const u = new URL(url);
    return `${method.toUpperCase()} ${u.origin}${u.pathname}`;
  } catch {
    return `${method.toUpperCase()} ${url}`;
  }
}

export function createMocksStore(capture: () => TabCapture, version: ReadonlySignal<number>) {
  const list = signal<Mock[]>([]);
  const selected = signal(-1);
  const armed = signal<ArmedMock[]>([]);
  /** For each armed mock, whether a matching request has opened since (read from the capture). */
  const served = computed(() => {
    void version.value;
    const conns = [...capture().values()].map((c) => c.summary);
    return armed.value.map((a) => {
      const key = isUrlPattern(a.url) ? `${a.method} ${a.url.split('?')[0]}` : keyOf(a.method, a.url);
      return conns.some((s) => s.startedAt >= a.armedAt && patternMatches(key, keyOf(s.method, s.url)));
    });
  });
  /** The drawer's "new mock" fields: read when the button is pressed, so a signal, not view state. */
  const form = signal<{ template: TemplateId; answer: string; url: string; eventSource: boolean }>({ template: 'openai-chat', answer: 'Hello! This answer comes from a mock.', url: '', eventSource: false });
  return { open: signal(false), list, selected, armed, served, form, error: signal<string | null>(null) };
}

export type MocksStore = ReturnType<typeof createMocksStore>;

function add(store: MocksStore, mock: Mock): void {
  store.list.value = [...store.list.value, mock];
  store.selected.value = store.list.value.length - 1;
  store.error.value = null;
}

export function current(store: MocksStore): Mock | null {
  return store.list.value[store.selected.value] ?? null;
}

/** Replaces the selected mock by `edit(mock)`; an edit that throws shows its message instead (false). */
export function editCurrent(store: MocksStore, edit: (m: Mock) => Mock): boolean {
  const m = current(store);
  if (!m) return false;
  try {
    const next = edit(m);
    store.list.value = store.list.value.map((x, i) => (i === store.selected.value ? next : x));
    store.error.value = null;
    return true;
  } catch (e) {
    store.error.value = e instanceof Error ? e.message : String(e);
    return false;
  }
}

/** A mock from a template; `eventSource` makes an SSE template answer the app's EventSource instead of a fetch. */
export function fromTemplate(store: MocksStore, id: TemplateId, answer: string, url: string, eventSource = false): void {
  const r = templateMock(id, answer, { ...(url.trim() ? { url: url.trim() } : {}), ...(eventSource ? { transport: 'eventsource' as const } : {}) });
  if (r.ok) add(store, r.value);
  else store.error.value = r.error;
}

export async function fromFile(store: MocksStore, file: File, url: string): Promise<void> {
  const r = loadMockFile(file.name, await file.text(), { name: file.name, ...(url.trim() ? { url: url.trim() } : {}) });
  if (r.ok) add(store, r.value);
  else store.error.value = `${file.name}: ${r.error}`;
}

/** Mocks that came with an imported trace or a session (already validated there); ones the drawer has are not added twice. */
export function addMocks(store: MocksStore, mocks: readonly Mock[]): void {
  const have = new Set(store.list.value.map((m) => JSON.stringify(m)));
  const selected = store.selected.value;
  for (const m of mocks) if (!have.has(JSON.stringify(m))) add(store, m);
  // Mocks arriving with a snapshot do not take the user away from the one being edited.
  if (selected >= 0) store.selected.value = selected;
}

export const insertAt = (store: MocksStore, at: number, step: MockStep) => editCurrent(store, (m) => insertStep(m, at, step));
export const removeAt = (store: MocksStore, at: number) => editCurrent(store, (m) => removeStep(m, at));
export const setStep = (store: MocksStore, at: number, step: MockStep) => editCurrent(store, (m) => replaceStep(m, at, step));

/** Sets the request (method and URL or pattern); a bad one is refused with the reason. */
export function setRequest(store: MocksStore, method: string, url: string): boolean {
  return editCurrent(store, (m) => {
    const r = parseMock({ ...m, request: { method, url } });
    if (!r.ok) throw new Error(r.error);
    return r.value;
  });
}

/** Arms the selected mock for the tab; resolves whether the background took it. */
export async function armCurrent(store: MocksStore, connection: PanelConnection | null): Promise<boolean> {
  const m = current(store);
  if (!m || !connection) return false;
  // Checked again as a whole: the table's edits are checked one by one.
  const checked = parseMock(m);
  if (!checked.ok) {
    store.error.value = checked.error;
    return false;
  }
  const ok = await connection.replay(compileAnyMock(checked.value), 1, checked.value);
  if (ok) store.armed.value = [...store.armed.value, { name: m.name, method: m.request.method, url: m.request.url, armedAt: Date.now() }];
  return ok;
}
