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
    const inputOf = (file: string) => Object.keys(metafile.inputs).find((path) => path.endsWith(file)) as string;
    const fromHandler = reachable(metafile, inputOf('lambda/handler.ts'), new Set(['import-statement', 'dynamic-import']));
    const fromBearerCheck = reachable(metafile, inputOf('lambda/auth/bearer-caller.ts'), new Set(['import-statement']));

    expect([...fromHandler].filter((path) => path.includes('node_modules/jose/'))).toStrictEqual([]);
    expect([...fromHandler].some((path) => path.endsWith('lambda/auth/bearer-caller.ts'))).toBe(false);
    expect([...fromBearerCheck].some((path) => path.includes('node_modules/jose/'))).toBe(true);
  });

  it('is in the bearer check, a file of its own that the handler loads only by a dynamic import; the handler is one file under 40 KB', async () => {
    const { metafile, outputFiles } = await build({ ...bundleOptions, write: false, metafile: true });
    const outputs = Object.entries(metafile.outputs);
    const [entryPath, entry] = outputs.find(([, output]) => output.entryPoint?.endsWith('lambda/handler.ts')) ?? [];
    const [bearerPath] = outputs.find(([, output]) => output.entryPoint?.endsWith('lambda/auth/bearer-caller.ts')) ?? [];
    expect(entryPath).toMatch(/\/index\.mjs$/);
    expect(bearerPath).toMatch(/\/bearer-caller\.mjs$/);
    // A cold start reads one file of ours: the handler imports built-in modules only, and the bearer check later.
    expect(entry?.imports.filter((edge) => !edge.path.startsWith('node:'))).toStrictEqual([
      { path: './bearer-caller.mjs', kind: 'dynamic-import', external: true },
    ]);
    expect(Object.keys(entry?.inputs ?? {}).filter((input) => input.includes('node_modules/jose/'))).toStrictEqual([]);
    const joseFiles = outputs.filter(([, output]) => Object.keys(output.inputs).some((input) => input.includes('node_modules/jose/')));
    expect(joseFiles.map(([path]) => path)).toStrictEqual([bearerPath]);
    expect(outputFiles.find((file) => file.path.endsWith('/index.mjs'))?.contents.byteLength).toBeLessThan(40 * 1024);
  });
});
