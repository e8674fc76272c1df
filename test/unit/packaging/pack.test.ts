/**
 * What `npm pack` would publish (read with --dry-run, after `npm run build`): the entry points
 * of package.json, the CLI's whole import graph, the extension build, the fixture's bundle and
 * declarations, the action; and none of the tests, demo or examples.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  private?: boolean;
};
let files: Set<string>;

beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist-lib/playwright/index.js')), 'run npm run build first').toBe(true);
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  files = new Set((JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path));
}, 60_000);

/** Relative imports of a TypeScript or JavaScript file (static, dynamic, re-exports). */
function relativeImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => normalize(join(dirname(file), s)));
}

function resolveSource(path: string): string | null {
  const base = path.replace(/\.js$/, '');
  for (const candidate of [path, `${base}.ts`, `${base}.tsx`, `${path}.ts`, join(path, 'index.ts')]) if (existsSync(join(ROOT, candidate)) && statSync(join(ROOT, candidate)).isFile()) return candidate;
  return null;
}

describe('npm pack contents', () => {
  it('is publishable', () => {
    expect(pkg.private).toBeUndefined();
  });

  it('has every file package.json points at', () => {
    const targets = [...Object.values(pkg.bin), ...Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))].map((p) => normalize(p));
    for (const t of targets) expect(files.has(t), t).toBe(true);
    expect(pkg.exports['./playwright']).toEqual({ types: './dist-lib/playwright/index.d.ts', import: './dist-lib/playwright/index.js' });
  });

  it('has the extension build, the action and its scripts, and the README', () => {
    for (const f of ['dist/chrome/manifest.json', 'dist/chrome/service-worker-loader.js', 'action.yml', 'scripts/action-check.sh', 'scripts/job-summary.ts', 'README.md', 'schemas/trace-v1.schema.json']) expect(files.has(f), f).toBe(true);
  });

  it('leaves out tests, the demo, the examples, the Firefox build and sources of the page hook tests', () => {
    const unwanted = [...files].filter((f) => /^(test|demo|examples|bench|panel|node_modules|dist\/firefox)\//.test(f) || /\.test\.tsx?$/.test(f));
    expect(unwanted).toEqual([]);
  });

  it('has the whole import graph of the CLI (tsx runs it from src/)', () => {
    const seen = new Set<string>();
    const missing: string[] = [];
    const queue = ['bin/durable-sessions.mjs'];
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      if (!files.has(file)) missing.push(file);
      if (!/\.(m?js|tsx?)$/.test(file)) continue;
      for (const spec of relativeImports(file)) {
        const found = resolveSource(spec);
        if (found) queue.push(found);
        else missing.push(`${spec} (imported by ${file})`);
      }
    }
    expect(missing).toEqual([]);
    expect(seen.has('src/cli/run-one.ts')).toBe(true);
  });

  it('the fixture bundle imports only dependencies, its peer and Node built-ins', () => {
    const bundle = readFileSync(join(ROOT, 'dist-lib/playwright/index.js'), 'utf8');
    const bare = [...bundle.matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
    const allowed = (s: string) => s.startsWith('node:') || builtinModules.includes(s) || [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)].some((d) => s === d || s.startsWith(`${d}/`));
    expect(bare.length).toBeGreaterThan(0);
    expect(bare.filter((s) => !allowed(s))).toEqual([]);
    expect(pkg.peerDependencies['@playwright/test']).toBeDefined();
    expect(pkg.devDependencies['@playwright/test']).toBeDefined();
  });

  it('the declarations name only packed files and @playwright/test', () => {
    const dts = [...files].filter((f) => f.startsWith('dist-lib/') && f.endsWith('.d.ts'));
    expect(dts.sort()).toEqual(['dist-lib/playwright/fixture.d.ts', 'dist-lib/playwright/index.d.ts', 'dist-lib/playwright/types.d.ts']);
    for (const file of dts) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/^(?:import|export)\s.*from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) {
          // Relative specifiers carry .js, as Node's ESM resolution (and TypeScript's node16) needs.
          expect(spec, `${file}: ${spec}`).toMatch(/\.js$/);
          expect(files.has(normalize(join(dirname(file), spec.replace(/\.js$/, '.d.ts')))), `${file}: ${spec}`).toBe(true);
        } else expect(spec, file).toBe('@playwright/test');
      }
    }
  });

  it('the example specs type-check against the published declarations (by package name)', () => {
    // examples/playwright imports durable-sessions-inspector/playwright, which resolves
    // through the exports map to dist-lib/, as it would in a team's project.
    let out = '';
    let ok = true;
    try {
      out = execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'examples/playwright'), '--traceResolution'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      ok = false;
      out = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(ok, out.split('\n').filter((l) => l.includes('error TS')).join('\n')).toBe(true);
    expect(out).toContain(`'durable-sessions-inspector/playwright' was successfully resolved to '${join(ROOT, 'dist-lib/playwright/index.d.ts')}'`);
  }, 60_000);
});
