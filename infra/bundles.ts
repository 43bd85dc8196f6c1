import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

export const BUNDLE_DIR = fileURLToPath(new URL('../dist/lambda/', import.meta.url));
export const BUNDLE_FILE = `${BUNDLE_DIR}index.mjs`;
export const METAFILE = fileURLToPath(new URL('../dist/meta.json', import.meta.url));
export const ROTATION_BUNDLE_DIR = fileURLToPath(new URL('../dist/rotation/', import.meta.url));
export const ROTATION_BUNDLE_FILE = `${ROTATION_BUNDLE_DIR}index.mjs`;

/** What both functions' bundles share. No `require` shim: nothing bundled calls require(). */
const commonOptions: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  metafile: true,
  legalComments: 'eof',
};

/**
 * The one bundling configuration: what CDK deploys and what the benchmarks measure. A directory, not a
 * file: code split, so what only OAuth mode imports (the bearer check and jose, behind a dynamic
 * import) is a chunk of its own that a function in Basic mode never reads. The entry is index.mjs.
 */
export const bundleOptions: BuildOptions = {
  ...commonOptions,
  entryPoints: { index: fileURLToPath(new URL('../lambda/handler.ts', import.meta.url)) },
  outdir: BUNDLE_DIR,
  splitting: true,
  outExtension: { '.js': '.mjs' },
  chunkNames: '[name]-[hash]',
};

/**
 * The second entry point, the secret-rotation function, on the same configuration. Only it may import
 * the AWS SDK, which the Node.js 24 Lambda runtime provides, so `@aws-sdk/*` stays out of its bundle.
 * The hook's bundle is left exactly as the benchmarks measure it.
 */
export const rotationBundleOptions: BuildOptions = {
  ...commonOptions,
  entryPoints: [fileURLToPath(new URL('../lambda/rotation/rotate-basic-credential.ts', import.meta.url))],
  outfile: ROTATION_BUNDLE_FILE,
  external: ['@aws-sdk/*'],
};

/**
 * Writes dist/lambda (the hook: index.mjs and its chunks) and dist/rotation/index.mjs; the metafile
 * describes the hook. The hook's directory is emptied first: CDK deploys all of it, and a chunk of an
 * earlier build must not ride along.
 */
export async function buildBundle(): Promise<{ bytes: number; rotationBytes: number }> {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  mkdirSync(BUNDLE_DIR, { recursive: true });
  mkdirSync(ROTATION_BUNDLE_DIR, { recursive: true });
  const [hook, rotation] = await Promise.all([build(bundleOptions), build(rotationBundleOptions)]);
  writeFileSync(METAFILE, JSON.stringify(hook.metafile));
  return { bytes: outputBytes(hook.metafile), rotationBytes: outputBytes(rotation.metafile) };
}

/** The size of the entry file (index.mjs), not of the chunks it may load. */
function outputBytes(metafile: { outputs: Record<string, { bytes: number; entryPoint?: string }> } | undefined): number {
  return Object.values(metafile?.outputs ?? {}).find((output) => output.entryPoint !== undefined)?.bytes ?? 0;
}
