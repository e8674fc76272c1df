/** The openai client family (chat completions; Responses background mode): see test/zoo/family.ts. */
import { openaiVariants } from '../zoo/openai';
import { zooFamily } from '../zoo/family';

zooFamily('openai', 'openai client (chat.completions, responses background mode)', openaiVariants, 'How does a streamed chat completion reach the page?');
