/**
 * The page hook: runs in the page's MAIN world at document_start, before any page script, and
 * wraps the streaming transports. It must stay a self-contained IIFE (the `.iife.ts` name makes
 * crxjs build it so): a loader with dynamic imports would install the wrappers too late, and
 * would expose our chunks to every site as web-accessible resources.
 */
import { createEmitter } from './emit';
import { installFetch } from './fetch';
import { installWebSocket } from './websocket';
import { installEventSource } from './eventsource';
import { installXhr } from './xhr';
import { installPageSignals } from './page-signals';
import { safely } from './safely';

const g = globalThis as Window & typeof globalThis;
const emitter = safely(() => createEmitter(g));
if (emitter) {
  safely(() => installFetch(g, emitter));
  safely(() => installWebSocket(g, emitter));
  safely(() => installEventSource(g, emitter));
  safely(() => installXhr(g, emitter));
  safely(() => installPageSignals(g, emitter));
}
