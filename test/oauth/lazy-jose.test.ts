import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleOptions } from '../../scripts/build.ts';

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
    const { metafile, outputFiles } = await build({ ...bundleOptions, write: false, metafile: true });
    const entry = Object.keys(metafile.inputs).find((path) => path.endsWith('lambda/handler.ts')) as string;
    const staticImports = reachable(metafile, entry, new Set(['import-statement']));
    const allImports = reachable(metafile, entry, new Set(['import-statement', 'dynamic-import']));

    expect([...staticImports].filter((path) => path.includes('node_modules/jose/'))).toStrictEqual([]);
    expect([...staticImports].some((path) => path.endsWith('lambda/auth/bearer-caller.ts'))).toBe(false);
    expect([...allImports].some((path) => path.includes('node_modules/jose/'))).toBe(true);
    // The bundle stays one file (what CDK deploys) and inside the 100 KB budget with jose in it.
    expect(outputFiles).toHaveLength(1);
    expect(outputFiles[0]!.contents.byteLength).toBeLessThan(100 * 1024);
  });
});
