/** The openai client family: the official npm client in the browser against a faithful fake of the API. */
import type { ZooVariant } from '../types';
import { startOpenAiApp } from './server';

export const openaiVariants: ZooVariant[] = [
  {
    // The trap: the generation lives in one HTTP response; a drop ends it, Stop only closes the connection.
    id: 'openai-chat',
    start: () => startOpenAiApp({ name: 'openai client (chat.completions, stream)', mode: 'chat' }),
  },
  {
    // Background mode: the server generates on its own, the client resumes with starting_after, another tab retrieves the stream, Stop cancels at the source.
    id: 'openai-responses-background',
    start: () => startOpenAiApp({ name: 'openai client (responses, background + stream)', mode: 'responses' }),
  },
];
