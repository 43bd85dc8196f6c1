import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every TypeScript file, and type-checked JavaScript module, under a top-level folder. */
function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs)$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** The top-level folders a file imports from (static imports, dynamic imports and import.meta.url paths). */
function importedFolders(file: string): Set<string> {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [
    ...text.matchAll(/\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g),
    ...text.matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g),
    ...text.matchAll(/new URL\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*,\s*import\.meta\.url/g),
  ].map((match) => match[1]!);
  return new Set(specifiers.map((specifier) => relative(ROOT, resolve(ROOT, dirname(file), specifier)).split('/')[0]!));
}

/** Which top-level folders each layer must never reach: dependencies point down, to lambda/. */
const FORBIDDEN: Record<string, string[]> = {
  lambda: ['test', 'local', 'tools', 'infra', 'scripts', 'demo', 'bench'],
  infra: ['test', 'local', 'tools', 'scripts', 'demo', 'bench'],
  tools: ['test', 'local', 'infra', 'scripts', 'demo', 'bench'],
  scripts: ['test'],
};

describe('dependencies point down', () => {
  for (const [layer, forbidden] of Object.entries(FORBIDDEN)) {
    it(`nothing in ${layer}/ imports from ${forbidden.join(', ')}`, () => {
      const offending = sourceFiles(layer).flatMap((file) =>
        [...importedFolders(file)].filter((folder) => forbidden.includes(folder)).map((folder) => `${file} -> ${folder}/`),
      );
      expect(offending).toStrictEqual([]);
    });
  }
});
