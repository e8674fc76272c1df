import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import baseManifest from './manifest.json' with { type: 'json' };
import pkg from './package.json' with { type: 'json' };

type Target = 'chrome' | 'firefox';

/** The manifests differ only in the background entry and the gecko settings (style-anchors §6). */
export function manifestFor(target: Target): ManifestV3Export {
  const common = { ...baseManifest, version: pkg.version };
  if (target === 'chrome') return common as ManifestV3Export;
  const { minimum_chrome_version: _chromeOnly, ...rest } = common;
  return {
    ...rest,
    background: { scripts: [baseManifest.background.service_worker], type: 'module' },
    browser_specific_settings: {
      gecko: {
        id: 'durable-sessions-inspector@example.org',
        strict_min_version: '140.0',
        data_collection_permissions: { required: ['none'] },
      },
      // data_collection_permissions needs Firefox for Android 142; desktop stays at 140.
      gecko_android: { strict_min_version: '142.0' },
    },
  } as unknown as ManifestV3Export;
}

export default defineConfig(({ mode }) => {
  const target: Target = mode === 'firefox' ? 'firefox' : 'chrome';
  return {
    plugins: [preact(), crx({ manifest: manifestFor(target), browser: target, liveReload: false })],
    build: {
      outDir: `dist/${target}`,
      emptyOutDir: true,
      // Debuggable output for a developer tool: users read our stack traces in bug reports.
      minify: false,
      sourcemap: false,
      rollupOptions: { input: { panel: 'panel/index.html' } },
    },
  };
});
