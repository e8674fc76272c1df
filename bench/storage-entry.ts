/** Bundled by bench/storage.ts (esbuild) and run in a real Chromium page: the product's store. */
import { openCaptureStore } from '../src/background/store';

(globalThis as unknown as { __openCaptureStore: typeof openCaptureStore }).__openCaptureStore = openCaptureStore;
