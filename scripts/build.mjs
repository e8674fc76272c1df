// Builds both browser targets. `npm run build` and the e2e tests call this.
import { build } from 'vite';

for (const mode of ['chrome', 'firefox']) {
  await build({ mode, logLevel: 'warn', configFile: new URL('../vite.config.ts', import.meta.url).pathname });
  console.log(`built dist/${mode}`);
}
