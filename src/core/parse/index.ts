/** Framing of captured connections into messages; see frames.ts. */
export { framesOf, crossed, bodyChunks, bodyFraming, type BodyFraming } from './frames';
export { sseFrames } from './sse';
export { jsonLineFrames, jsonValueFrames } from './ndjson';
export { envelopeFrames, envelopeWire, type EnvelopeWire } from './envelopes';
export { tryJson, type Frame, type FrameKind, type FramePart, type Chunk, type EnvelopeInfo } from './types';
