/**
 * Bundles a zoo app's browser client (React, the libraries' own client code) into one ES
 * module with Vite's JS API, once per test process, into a temp folder the app server serves.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';

const built = new Map<string, Promise<string>>();

/** Returns the bundled JavaScript for `entry` (an absolute path to a .ts/.tsx/.js file). */
export function bundleClient(entry: string): Promise<string> {
  let p = built.get(entry);
  if (!p) {
    p = (async () => {
      const outDir = mkdtempSync(join(tmpdir(), 'zoo-client-'));
      await build({
        configFile: false,
        logLevel: 'silent',
        define: { 'process.env.NODE_ENV': '"production"' },
        build: {
          outDir,
          emptyOutDir: true,
          minify: false,
          lib: { entry, formats: ['es'], fileName: () => 'client.js' },
        },
      });
      return readFileSync(join(outDir, 'client.js'), 'utf8');
    })();
    built.set(entry, p);
  }
  return p;
}
