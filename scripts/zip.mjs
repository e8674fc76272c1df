// Packs dist/chrome and dist/firefox into store-ready archives under artifacts/, and
// dist/chrome-deep (the build with the `debugger` permission deep capture needs, which Chrome
// refuses as optional) for unpacked or enterprise installs.
import { ZipArchive } from 'archiver';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
mkdirSync('artifacts', { recursive: true });

for (const target of ['chrome', 'firefox', 'chrome-deep']) {
  const dir = `dist/${target}`;
  if (!existsSync(`${dir}/manifest.json`)) throw new Error(`${dir} is not built: run npm run build`);
  const file = `artifacts/durable-sessions-inspector-${target}-${version}.zip`;
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const done = new Promise((resolve, reject) => {
    archive.on('error', reject);
    archive.on('end', resolve);
  });
  archive.pipe(createWriteStream(file));
  // Archives hold the manifest at their root, as both stores require.
  archive.directory(dir, false);
  await archive.finalize();
  await done;
  console.log(`${file} (${archive.pointer()} bytes)`);
}
