/**
 * Deterministic fake language model: a seeded PRNG (mulberry32) picks word
 * tokens from a small vocabulary. Same seed + prompt → same tokens.
 */

const VOCAB = [
  'session', 'stream', 'token', 'durable', 'connection', 'resume', 'replay', 'offset',
  'server', 'client', 'browser', 'network', 'message', 'agent', 'model', 'answer',
  'the', 'a', 'of', 'and', 'to', 'with', 'every', 'each', 'later', 'again', 'still',
  'keeps', 'survives', 'drops', 'reconnects', 'cancels', 'writes', 'reads', 'waits',
  'quietly', 'quickly', 'safely', 'tab', 'log', 'event', 'cursor', 'buffer', 'state',
];

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit hash of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Generate `count` tokens. The first token has no leading space and is
 * capitalised; every other token starts with a space. Some tokens end in
 * punctuation (",", "." or "!"); a word after a full stop is capitalised.
 */
export function generateTokens(prompt: string, seed: number, count: number): string[] {
  const rand = mulberry32((hashString(prompt) ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0);
  const out: string[] = [];
  let capitalise = true;
  for (let i = 0; i < count; i++) {
    let word = VOCAB[Math.floor(rand() * VOCAB.length)]!;
    if (capitalise) word = word[0]!.toUpperCase() + word.slice(1);
    capitalise = false;
    const r = rand();
    if (i === count - 1) {
      word += '.';
    } else if (r < 0.08) {
      word += '.';
      capitalise = true;
    } else if (r < 0.14) {
      word += ',';
    } else if (r < 0.16) {
      word += '!';
      capitalise = true;
    }
    out.push(i === 0 ? word : ' ' + word);
  }
  return out;
}

export interface GenParams {
  prompt: string;
  tps: number;
  tokens: number;
  seed: number;
}

export interface Ticker {
  stop(): void;
  readonly stopped: boolean;
}

/**
 * Calls `onTick(i)` for i = 0..count-1 at `tps` ticks per second (catching up
 * on late timers based on elapsed time), then `onEnd()`. `stop()` cancels
 * without calling `onEnd`.
 */
export function startTicker(count: number, tps: number, onTick: (i: number) => void, onEnd: () => void): Ticker {
  const start = Date.now();
  const interval = Math.max(1000 / tps, 4);
  let emitted = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const step = (): void => {
    timer = undefined;
    if (stopped) return;
    const due = Math.min(count, Math.floor(((Date.now() - start) / 1000) * tps) + 1);
    while (emitted < due && !stopped) onTick(emitted++);
    if (stopped) return;
    if (emitted >= count) {
      stopped = true;
      onEnd();
      return;
    }
    timer = setTimeout(step, interval);
  };
  timer = setTimeout(step, 0);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    get stopped() {
      return stopped;
    },
  };
}
