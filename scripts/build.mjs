// Builds both browser targets, and the deep-capture variant of the Chrome one. `npm run build`
// and the e2e tests call this.
import { build } from 'vite';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

for (const mode of ['chrome', 'firefox']) {
  await build({ mode, logLevel: 'warn', configFile: new URL('../vite.config.ts', import.meta.url).pathname });
  console.log(`built dist/${mode}`);
}

// Deep capture needs the debugger permission, which Chrome does not allow as an optional one
// (chrome_api_permissions.cc marks it kFlagCannotBeOptional): the store build keeps `storage`
// only, and this copy of it — the same code — asks for `debugger` at install.
const deep = new URL('../dist/chrome-deep/', import.meta.url);
rmSync(deep, { recursive: true, force: true });
cpSync(new URL('../dist/chrome/', import.meta.url), deep, { recursive: true });
const manifestUrl = new URL('manifest.json', deep);
const manifest = JSON.parse(readFileSync(manifestUrl, 'utf8'));
manifest.permissions = [...manifest.permissions, 'debugger'];
manifest.name = `${manifest.name} (deep capture)`;
writeFileSync(manifestUrl, JSON.stringify(manifest, null, 2));
console.log('built dist/chrome-deep');
