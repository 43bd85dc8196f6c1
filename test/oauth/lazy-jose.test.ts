import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleOptions } from '../../infra/bundles.ts';

/** Every bundle input reachable from the entry point through the given kinds of import. */
function reachable(metafile: Metafile, entry: string, kinds: ReadonlySet<string>): Set<string> {
  const seen = new Set<string>([entry]);
  const pending = [entry];
  while (pending.length > 0) {
    const input = metafile.inputs[pending.pop() as string];
    for (const edge of input?.imports ?? []) {
      if (!kinds.has(edge.kind) || edge.external || seen.has(edge.path)) continue;
      seen.add(edge.path);
      pending.push(edge.path);
    }
  }
  return seen;
}

describe('jose in the Lambda bundle', () => {
  it('is reached only through the dynamic import of the bearer check, so Basic mode never evaluates it', async () => {
    const { metafile } = await build({ ...bundleOptions, write: false, metafile: true });
    const entry = Object.keys(metafile.inputs).find((path) => path.endsWith('lambda/handler.ts')) as string;
    const staticImports = reachable(metafile, entry, new Set(['import-statement']));
    const allImports = reachable(metafile, entry, new Set(['import-statement', 'dynamic-import']));

    expect([...staticImports].filter((path) => path.includes('node_modules/jose/'))).toStrictEqual([]);
    expect([...staticImports].some((path) => path.endsWith('lambda/auth/bearer-caller.ts'))).toBe(false);
    expect([...allImports].some((path) => path.includes('node_modules/jose/'))).toBe(true);
  });

  it('is in a chunk of its own that only the dynamic import loads, and the entry file stays under 40 KB', async () => {
    const { metafile, outputFiles } = await build({ ...bundleOptions, write: false, metafile: true });
    const outputs = Object.entries(metafile.outputs);
    const [entryPath, entry] = outputs.find(([, output]) => output.entryPoint?.endsWith('lambda/handler.ts')) ?? [];
    expect(entryPath).toMatch(/\/index\.mjs$/);
    // Everything the entry loads when it is imported: itself and its static imports, chunk by chunk.
    const loaded = new Set<string>([entryPath as string]);
    for (const path of loaded) {
      for (const edge of metafile.outputs[path]?.imports ?? [])
        if (edge.kind === 'import-statement' && !edge.external) loaded.add(edge.path);
    }
    const inputsOf = (paths: Iterable<string>) => [...paths].flatMap((path) => Object.keys(metafile.outputs[path]?.inputs ?? {}));
    expect(inputsOf(loaded).filter((input) => input.includes('node_modules/jose/'))).toStrictEqual([]);
    const joseChunks = outputs.filter(([, output]) => Object.keys(output.inputs).some((input) => input.includes('node_modules/jose/')));
    expect(joseChunks.map(([path]) => path)).toStrictEqual(
      entry?.imports.filter((edge) => edge.kind === 'dynamic-import').map((edge) => edge.path),
    );
    expect(outputFiles.find((file) => file.path.endsWith('/index.mjs'))?.contents.byteLength).toBeLessThan(40 * 1024);
  });
});
