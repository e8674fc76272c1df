/**
 * Server side of the Responses API's background mode, as the openai client expects it: the
 * generation runs on the server independent of any connection, every stream event is kept with
 * its sequence_number, GET /responses/{id}?stream=true replays from `starting_after` and follows
 * live, and POST /responses/{id}/cancel stops the generation at its source.
 */
import { randomBytes } from 'node:crypto';
import type { ZooCounters } from '../types';
import { MODEL, TOKEN_MS, tokensOf } from './model';

type Status = 'queued' | 'in_progress' | 'completed' | 'cancelled';
type StreamEvent = { type: string; sequence_number: number } & Record<string, unknown>;

const hex = () => randomBytes(12).toString('hex');

export class BackgroundResponse {
  readonly id = `resp_${hex()}`;
  readonly itemId = `msg_${hex()}`;
  readonly inputId = `msg_${hex()}`;
  readonly createdAt = Math.floor(Date.now() / 1000);
  readonly events: StreamEvent[] = [];
  status: Status = 'queued';
  private text = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake = new Set<() => void>();

  constructor(readonly prompt: string, private readonly counters: ZooCounters) {
    counters.started++;
    this.emit('response.created', { response: this.object() });
    this.status = 'in_progress';
    this.emit('response.in_progress', { response: this.object() });
    this.emit('response.output_item.added', { output_index: 0, item: this.item('in_progress', '') });
    this.emit('response.content_part.added', { item_id: this.itemId, output_index: 0, content_index: 0, part: this.part('') });
    const tokens = tokensOf(prompt);
    let i = 0;
    const step = () => {
      const delta = tokens[i++]!;
      this.text += delta;
      this.emit('response.output_text.delta', { item_id: this.itemId, output_index: 0, content_index: 0, delta, logprobs: [] });
      if (i < tokens.length) {
        this.timer = setTimeout(step, TOKEN_MS);
        return;
      }
      this.emit('response.output_text.done', { item_id: this.itemId, output_index: 0, content_index: 0, text: this.text, logprobs: [] });
      this.emit('response.content_part.done', { item_id: this.itemId, output_index: 0, content_index: 0, part: this.part(this.text) });
      this.emit('response.output_item.done', { output_index: 0, item: this.item('completed', this.text) });
      this.status = 'completed';
      counters.finished++;
      this.emit('response.completed', { response: this.object() });
    };
    this.timer = setTimeout(step, TOKEN_MS);
  }

  get terminal(): boolean {
    return this.status === 'completed' || this.status === 'cancelled';
  }

  /** POST /responses/{id}/cancel: stops generating; idempotent, like the real endpoint. */
  cancel(): void {
    if (this.terminal) return;
    clearTimeout(this.timer);
    this.status = 'cancelled';
    this.counters.cancelled++;
    this.notify();
  }

  /** Server shutdown: stop the timer without counting anything. */
  dispose(): void {
    clearTimeout(this.timer);
  }

  /** The events after `startingAfter` (all when undefined), then the live ones, until the response ends. */
  async *eventsAfter(startingAfter: number | undefined, closed: () => boolean): AsyncGenerator<StreamEvent> {
    let i = startingAfter === undefined ? 0 : startingAfter + 1;
    for (;;) {
      while (i < this.events.length) {
        if (closed()) return;
        yield this.events[i++]!;
      }
      if (this.terminal || closed()) return;
      await new Promise<void>((r) => this.wake.add(r));
    }
  }

  /** Wakes waiting streams (a connection closing must not leave a generator parked forever). */
  notify(): void {
    const w = [...this.wake];
    this.wake.clear();
    for (const r of w) r();
  }

  /** The Response object (GET /responses/{id}, and inside created / in_progress / completed events). */
  object(): Record<string, unknown> {
    const done = this.status === 'completed';
    return {
      id: this.id, object: 'response', created_at: this.createdAt, status: this.status, background: true, error: null, incomplete_details: null,
      instructions: null, max_output_tokens: null, model: MODEL, output: this.text ? [this.item(done ? 'completed' : 'in_progress', this.text)] : [],
      parallel_tool_calls: true, previous_response_id: null, reasoning: { effort: null, summary: null }, store: true, temperature: 1,
      text: { format: { type: 'text' } }, tool_choice: 'auto', tools: [], top_p: 1, truncation: 'disabled',
      usage: done ? { input_tokens: 8, input_tokens_details: { cached_tokens: 0 }, output_tokens: tokensOf(this.prompt).length, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 8 + tokensOf(this.prompt).length } : null,
      user: null, metadata: {},
    };
  }

  /** GET /responses/{id}/input_items. */
  inputItems(): Record<string, unknown> {
    const item = { id: this.inputId, type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: this.prompt }] };
    return { object: 'list', data: [item], first_id: this.inputId, last_id: this.inputId, has_more: false };
  }

  private item(status: string, text: string) {
    return { id: this.itemId, type: 'message', status, role: 'assistant', content: text ? [this.part(text)] : [] };
  }

  private part(text: string) {
    return { type: 'output_text', annotations: [], logprobs: [], text };
  }

  private emit(type: string, fields: Record<string, unknown>): void {
    this.events.push({ type, sequence_number: this.events.length, ...fields });
    this.notify();
  }
}
