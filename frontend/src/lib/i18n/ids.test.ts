// Every message ID the frontend asks for by name must be in English: a
// missing one shows its bare ID to the person (t() falls back to the ID).
// IDs built at run time (`provider.${p}`) are the catalog tests' concern.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', '..');
const en = parse(readFileSync(join(src, '..', '..', 'locales', 'en.toml'), 'utf8')) as Record<string, unknown>;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'wailsjs' ? [] : sources(path);
    return /\.(svelte|ts)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('message IDs used by the frontend', () => {
  it('are all in locales/en.toml', () => {
    const missing: string[] = [];
    let found = 0;
    for (const file of sources(src)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-z0-9_.]+)'/g)) {
        const id = m[1] ?? '';
        found++;
        if (!(id in en)) missing.push(`${file.slice(src.length + 1)}: ${id}`);
      }
    }
    expect(found).toBeGreaterThan(300); // the scan reads the right files
    expect(missing).toEqual([]);
  });
});
