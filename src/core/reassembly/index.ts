/** Reassembly of recognized streams and resume alignment; see each module's header. */
export { reassemble, fullText, frameAt, messageKey, type Output, type AssembledMessage, type TextSpan } from './reassemble';
export { alignResume, resumeSide, type Alignment, type AlignmentEvidence, type AlignOptions, type ResumeSide } from './align';
export { checkSequence, numericId, numericIds, formatId, type SequenceReport, type SequenceGap, type SequenceOptions, type NumericId } from './sequence';
