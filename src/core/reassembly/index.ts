/** Reassembly of recognized streams (text, and the whole conversation) and resume alignment; see each module's header. */
export { reassemble, reassembler, type Reassembler, fullText, frameAt, messageKey, type Output, type AssembledMessage, type TextSpan } from './reassemble';
export { alignResume, resumeSide, type Alignment, type AlignmentEvidence, type AlignOptions, type ResumeSide } from './align';
export { checkSequence, numericId, numericIds, formatId, type SequenceReport, type SequenceGap, type SequenceOptions, type NumericId } from './sequence';
export { conversationOf, PART_KINDS, type Conversation, type ConversationMessage, type ConversationMeta, type Part, type PartKind, type TextPart, type ReasoningPart, type ToolCallPart, type ToolResult, type SourcePart } from './conversation';
export { readArgs, structuredOutput, ARGS_STATES, type ArgsState, type ToolArgs } from './tool-args';
