// Builds the Playwright fixture for consumers: dist-lib/playwright/index.js (one ES module; the
// package's dependencies and Node's built-ins stay imports) and its type declarations, which
// name only the public types (src/playwright/types.ts) and @playwright/test.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...builtinModules];
const isExternal = (id) => id.startsWith('node:') || external.some((name) => id === name || id.startsWith(`${name}/`));

const outDir = join(root, 'dist-lib/playwright');
rmSync(outDir, { recursive: true, force: true });
await build({
  configFile: false,
  logLevel: 'warn',
  root,
  build: {
    ssr: join(root, 'src/playwright/index.ts'),
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    copyPublicDir: false,
    rollupOptions: { external: isExternal, output: { entryFileNames: 'index.js', format: 'es' } },
  },
});

// Declarations: emitted for the whole program into a scratch folder, of which only the
// fixture's own files are published.
const scratch = mkdtempSync(join(tmpdir(), 'dsi-types-'));
try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'src/playwright/tsconfig.json'), '--outDir', scratch], { stdio: 'inherit' });
  for (const file of ['index.d.ts', 'types.d.ts', 'fixture.d.ts']) cpSync(join(scratch, 'playwright', file), join(outDir, file));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log('built dist-lib/playwright');
