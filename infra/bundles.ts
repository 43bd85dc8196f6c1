import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';

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

/** OAuth mode's bearer check, with jose: the file lambda/auth/lazy-bearer-caller.ts imports on first use. */
const BEARER_CHECK = 'bearer-caller';

/**
 * The handler's dynamic import of the bearer check stays an import of the file the bearer check's own
 * entry point is written to, beside index.mjs, rather than of a chunk.
 */
const bearerCheckApart: Plugin = {
  name: 'bearer-check-apart',
  setup(build) {
    build.onResolve({ filter: new RegExp(`/${BEARER_CHECK}\\.ts$`) }, ({ kind }) =>
      kind === 'dynamic-import' ? { path: `./${BEARER_CHECK}.mjs`, external: true } : undefined,
    );
  },
};

/**
 * The one bundling configuration: what CDK deploys and what the benchmarks measure. Two entry points,
 * each one file: index.mjs, the handler, and bearer-caller.mjs, the bearer check and jose, which only
 * OAuth mode imports, so a function in Basic mode never reads it. Not code splitting: esbuild would put
 * what both share (the deadline, the transport) in a third file that index.mjs imports, and each module
 * file a cold start resolves, reads and links costs more than those few KB twice (bench/README.md).
 */
export const bundleOptions: BuildOptions = {
  ...commonOptions,
  entryPoints: {
    index: fileURLToPath(new URL('../lambda/handler.ts', import.meta.url)),
    [BEARER_CHECK]: fileURLToPath(new URL(`../lambda/auth/${BEARER_CHECK}.ts`, import.meta.url)),
  },
  outdir: BUNDLE_DIR,
  outExtension: { '.js': '.mjs' },
  plugins: [bearerCheckApart],
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
 * Writes dist/lambda (the hook: index.mjs and bearer-caller.mjs) and dist/rotation/index.mjs; the
 * metafile describes the hook. The hook's directory is emptied first: CDK deploys all of it, and a file
 * of an earlier build must not ride along.
 */
export async function buildBundle(): Promise<{ bytes: number; rotationBytes: number }> {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  mkdirSync(BUNDLE_DIR, { recursive: true });
  mkdirSync(ROTATION_BUNDLE_DIR, { recursive: true });
  const [hook, rotation] = await Promise.all([build(bundleOptions), build(rotationBundleOptions)]);
  writeFileSync(METAFILE, JSON.stringify(hook.metafile));
  return { bytes: outputBytes(hook.metafile), rotationBytes: outputBytes(rotation.metafile) };
}

/** The size of the entry file (index.mjs), not of what it may load later. */
function outputBytes(metafile: { outputs: Record<string, { bytes: number }> } | undefined): number {
  return Object.entries(metafile?.outputs ?? {}).find(([path]) => path.endsWith('index.mjs'))?.[1].bytes ?? 0;
}
