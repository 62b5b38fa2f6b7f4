/**
 * The domain is pure: it imports only the domain. Checked here as well as by lint, so that the
 * rule cannot be switched off quietly. (Made to fail once on purpose before being trusted.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

export function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
}

describe('architecture', () => {
  const domainDir = join(root, 'src/domain');
  const domainFiles = filesUnder(domainDir);

  it('finds the domain files it checks', () => {
    expect(domainFiles.length).toBeGreaterThan(0);
  });

  it.each(domainFiles.map((f) => [relative(root, f), f]))('%s imports nothing outside src/domain', (_, file) => {
    for (const specifier of importsOf(file)) {
      const local = specifier.startsWith('.');
      expect(local, `${specifier}: the domain imports no package`).toBe(true);
      expect(resolve(file, '..', specifier).startsWith(domainDir), `${specifier}: the domain imports only the domain`).toBe(true);
    }
  });

  it('sees every import form it claims to check', () => {
    expect(importsOf(join(root, 'test/unit/architecture.test.ts'))).toEqual(expect.arrayContaining(['node:fs', 'vitest']));
  });
});
