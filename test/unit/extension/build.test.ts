/**
 * Checks the built manifests (run `npm run build` first; `npm test` does). The hook's timing
 * and invisibility depend on how it is built, which no source-level test can see.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const load = (target: string) => JSON.parse(readFileSync(resolve(root, `dist/${target}/manifest.json`), 'utf8'));

describe.each(['chrome', 'firefox'])('built %s manifest', (target) => {
  const manifest = load(target);

  it('runs the page hook as a self-contained script in the MAIN world at document_start', () => {
    const hook = manifest.content_scripts.find((c: { world?: string }) => c.world === 'MAIN');
    expect(hook).toMatchObject({ run_at: 'document_start', all_frames: true, matches: ['<all_urls>'] });
    expect(hook.js).toHaveLength(1);
    const code = readFileSync(resolve(root, `dist/${target}`, hook.js[0]), 'utf8');
    // A loader would import() the real code later: too late for the page's first fetch.
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code.trimStart().startsWith('(function')).toBe(true);
  });

  it('asks for storage and nothing else: no host permissions, no scripting, no optional ones', () => {
    // Manifest content scripts need no host permission; the relay does what a test needs in a tab.
    expect(manifest.permissions).toEqual(['storage']);
    expect(manifest.host_permissions).toBeUndefined();
    expect(manifest.optional_permissions).toBeUndefined();
    expect(manifest.optional_host_permissions).toBeUndefined();
  });

  it('exposes nothing to web pages', () => {
    expect(manifest.web_accessible_resources ?? []).toEqual([]);
  });

  it('declares the DevTools page and the panel exists', () => {
    expect(existsSync(resolve(root, `dist/${target}`, manifest.devtools_page))).toBe(true);
    expect(existsSync(resolve(root, `dist/${target}/panel/index.html`))).toBe(true);
  });
});

describe('browser differences stay in the manifest', () => {
  it('Chrome gets a service worker, Firefox an event page with a gecko id', () => {
    const chrome = load('chrome');
    const firefox = load('firefox');
    expect(chrome.background.service_worker).toBeTruthy();
    expect(chrome.browser_specific_settings).toBeUndefined();
    expect(firefox.background.scripts).toHaveLength(1);
    expect(firefox.background.service_worker).toBeUndefined();
    expect(firefox.browser_specific_settings.gecko.id).toMatch(/@/);
    expect(Number.parseFloat(firefox.browser_specific_settings.gecko.strict_min_version)).toBeGreaterThanOrEqual(140);
  });
});
