import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import { round } from '../support/stats.ts';

export interface Contributor {
  name: string;
  bytes: number;
}

export interface BundleResult {
  method: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  /** Bytes in the output by npm package, or by source file for our own code. */
  topContributors: Contributor[];
  /** Bytes in the output by npm package; 'lambda/' for our own code. */
  byPackage: Contributor[];
  /** Built-in modules the bundle imports (loaded at import time unless marked lazy). */
  builtins: string[];
}

/** Sizes of a built bundle and, from esbuild's metafile, what fills it. */
export function measureBundle(file: string, metafile: Metafile, top = 8): BundleResult {
  const code = readFileSync(file);
  // The entry file and what it imports statically: what a cold start reads. What only a dynamic import
  // loads (OAuth mode's bearer check and jose, an entry point of its own) is not part of it.
  const entry = Object.entries(metafile.outputs).find(([path]) => resolve(path) === resolve(file));
  if (!entry) throw new Error(`the metafile has no output ${file}`);
  const loaded = new Set<string>([entry[0]]);
  for (const path of loaded) {
    for (const edge of metafile.outputs[path]?.imports ?? []) if (edge.kind === 'import-statement' && !edge.external) loaded.add(edge.path);
  }
  const inputs = [...loaded].flatMap((path) =>
    Object.entries(metafile.outputs[path]?.inputs ?? {}).map(([input, { bytesInOutput }]) => ({ path: input, bytes: bytesInOutput })),
  );
  const byPackage = new Map<string, number>();
  for (const { path, bytes } of inputs) byPackage.set(packageOf(path), (byPackage.get(packageOf(path)) ?? 0) + bytes);
  const sorted = (entries: Iterable<[string, number]>) =>
    [...entries].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => ({ name, bytes }));
  return {
    method:
      'npm run build (infra/bundles.ts buildBundle()), file size and gzip -9 of dist/lambda/index.mjs; contributors from dist/meta.json (bytesInOutput) of it and the chunks it imports statically',
    file,
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    topContributors: sorted(inputs.map(({ path, bytes }) => [shortName(path), bytes] as [string, number])).slice(0, top),
    byPackage: sorted(byPackage),
    builtins: [
      ...new Set(
        [...loaded]
          .flatMap((path) => metafile.outputs[path]?.imports ?? [])
          .filter((entry) => entry.external)
          .map((entry) => `${entry.path}${entry.kind === 'dynamic-import' ? ' (lazy)' : ''}`),
      ),
    ].sort(),
  };
}

export const kb = (bytes: number): string => `${round(bytes / 1024)} KB`;

function packageOf(path: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (match) return match[1] as string;
  return path.includes('lambda/') ? 'lambda/ (our code)' : path;
}

function shortName(path: string): string {
  const inPackage = /node_modules\/(.*)$/.exec(path);
  if (inPackage) return inPackage[1] as string;
  const ours = /(lambda\/.*)$/.exec(path);
  return ours ? (ours[1] as string) : path;
}
