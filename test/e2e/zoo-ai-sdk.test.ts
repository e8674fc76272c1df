/** The Vercel AI SDK family (ai, @ai-sdk/react, resumable-stream + Redis): see test/zoo/family.ts. */
import { aiSdkVariants } from '../zoo/ai-sdk/variants';
import { zooFamily } from '../zoo/family';

zooFamily('ai-sdk', 'Vercel AI SDK (ai, @ai-sdk/react, resumable-stream)', aiSdkVariants, 'Explain durable sessions in a few sentences');
