/**
 * The Mocks drawer in real DevTools: an SSE file with `: mock` directives is loaded, its request
 * set to the trapped-sse chat, and armed; the demo page then gets the file's answer and its
 * drop (the app's own network-error path), the drawer says the mock was served, and the
 * connection's detail says it was served from a mock. A Socket.IO template armed from the
 * drawer answers the real socket.io-client with no Socket.IO server behind it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot, sendPrompt, startSession, waitForPageState, type E2ESession } from '../harness/session';
import { chooseOption, clickButton, selectConnection, typeInto } from '../harness/panel';
import { templateMock } from '../../src/core/mock';
import { startSocketMockServer, type SocketMockServer } from './socket-mock/server';

let s: E2ESession;
let sockets: SocketMockServer;

beforeAll(async () => {
  sockets = await startSocketMockServer();
  s = await startSession({ tokens: 40, tokensPerSecond: 80 });
});
afterAll(async () => {
  await s?.close();
  await sockets?.close();
});

const mockedNote = `document.querySelector('p[aria-label="Mocked"]')?.textContent ?? ''`;

describe('the Mocks drawer in DevTools', () => {
  it('loads an SSE file, arms it for the chat request, and the page gets its answer and its drop', async () => {
    const answer = 'From a file, through the panel.';
    const t = templateMock('openai-chat', answer);
    if (!t.ok) throw new Error(t.error);
    // Every event but the finish chunk and [DONE], then half a second of nothing, then the drop.
    const events = t.value.steps.slice(0, -2).map((st) => (st.kind === 'event' ? st.data : ''));
    const file = `: mock delay 0\n${events.join(': mock delay 20\n')}: mock stall 500\n\n: mock drop\n\n`;

    await s.page.goto(`${s.demo.url}/trapped-sse/`);
    await clickButton(s.panel, 'Mocks…');
    await s.panel.waitFor(`document.querySelector('section[aria-label="Mocks"]') !== null`, 'the drawer');
    await typeInto(s.panel, 'input[aria-label="URL it answers"]', `${s.demo.url}/trapped-sse/api/chat`);
    await s.panel.evaluate(`(() => {
      const input = document.querySelector('input[aria-label="Load a mock file"]');
      const dt = new DataTransfer();
      dt.items.add(new File([${JSON.stringify(file)}], 'answer.sse', { type: 'text/event-stream' }));
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
      return true;
    })()`);
    await s.panel.waitFor(`document.querySelectorAll('table[aria-label="Mock steps"] tbody tr').length === ${events.length + 2}`, 'the loaded steps');
    const kinds = await s.panel.evaluate<string[]>(`[...document.querySelectorAll('table[aria-label="Mock steps"] tbody tr')].map((tr) => tr.children[1].textContent)`);
    expect(kinds.slice(-2)).toEqual(['stall', 'drop']);
    await chooseOption(s.panel, 'Request method', 'POST');
    await s.panel.waitFor(`document.querySelector('select[aria-label="Request method"]').value === 'POST'`, 'the method');
    await clickButton(s.panel, 'Arm for this tab');
    await s.panel.waitFor(`document.querySelector('ul[aria-label="Armed mocks"]')?.innerText.includes('waiting for the request') === true`, 'the armed mock');

    await sendPrompt(s.page, 'anything');
    await waitForPageState(s.page, 'error');
    expect(await s.page.textContent('#status')).toBe('error: network error');
    expect(await s.page.evaluate(() => [...document.querySelectorAll('.message.assistant')].at(-1)?.textContent)).toBe(answer);
    await s.panel.waitFor(`document.querySelector('ul[aria-label="Armed mocks"]')?.innerText.includes('served') === true`, 'served');
    await saveScreenshot(s.panel, 'mocks-drawer');
    await selectConnection(s.panel, '/trapped-sse/api/chat');
    await s.panel.waitFor(`(${mockedNote}).length > 0`, 'the served-from-a-mock note');
    expect(await s.panel.evaluate<string>(mockedNote)).toBe('Served from a mock: this request never reached the server.');
  });

  it('arms a Socket.IO template for the page\'s socket.io-client, which renders its answer with no Socket.IO server', async () => {
    const answer = 'Socket.IO from the drawer.';
    await s.page.goto(`${sockets.url}/socketio`);
    await chooseOption(s.panel, 'Template', 'socketio');
    await typeInto(s.panel, 'input[aria-label="Answer text"]', answer);
    await typeInto(s.panel, 'input[aria-label="URL it answers"]', `${sockets.url.replace('http', 'ws')}/socket.io/`);
    await clickButton(s.panel, 'New from template');
    await s.panel.waitFor(`document.querySelector('[aria-label="Answers"]')?.textContent === 'answers a WebSocket'`, 'the socket mock in the editor');
    await clickButton(s.panel, 'Arm for this tab');
    await s.panel.waitFor(`[...document.querySelectorAll('ul[aria-label="Armed mocks"] li')].some((li) => li.innerText.includes('Socket.IO') && li.innerText.includes('waiting for the request'))`, 'the armed socket mock');
    await s.page.evaluate('window.__connect()');
    await s.page.waitForFunction(() => document.body.dataset.state !== undefined, null, { timeout: 15_000 });
    expect(await s.page.evaluate(() => document.body.dataset.state)).toBe('done');
    expect(await s.page.textContent('#answer')).toBe(answer);
    expect(sockets.upgrades['/socket.io/']).toBeUndefined();
    await selectConnection(s.panel, '/socket.io/');
    await s.panel.waitFor(`(${mockedNote}).length > 0`, 'the served-from-a-mock note');
    expect(await s.panel.evaluate<string>(mockedNote)).toBe('Served from a mock: this WebSocket never reached the server.');
  });
});
