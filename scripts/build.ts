import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

export const BUNDLE_DIR = fileURLToPath(new URL('../dist/lambda/', import.meta.url));
export const BUNDLE_FILE = `${BUNDLE_DIR}index.mjs`;
export const METAFILE = fileURLToPath(new URL('../dist/meta.json', import.meta.url));
export const ROTATION_BUNDLE_DIR = fileURLToPath(new URL('../dist/rotation/', import.meta.url));
export const ROTATION_BUNDLE_FILE = `${ROTATION_BUNDLE_DIR}index.mjs`;

/** The one bundling configuration: what CDK deploys and what the benchmarks measure. */
export const bundleOptions: BuildOptions = {
  entryPoints: [fileURLToPath(new URL('../lambda/handler.ts', import.meta.url))],
  outfile: BUNDLE_FILE,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  metafile: true,
  legalComments: 'eof',
  // A dependency that calls require() inside an ES module bundle needs one to exist.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
};

/**
 * The second entry point, the secret-rotation function, on the same configuration. Only it may import
 * the AWS SDK, which the Node.js 24 Lambda runtime provides, so `@aws-sdk/*` stays out of its bundle.
 * The hook's bundle is left exactly as the benchmarks measure it.
 */
export const rotationBundleOptions: BuildOptions = {
  ...bundleOptions,
  entryPoints: [fileURLToPath(new URL('../lambda/rotation/rotate-basic-credential.ts', import.meta.url))],
  outfile: ROTATION_BUNDLE_FILE,
  external: ['@aws-sdk/*'],
};

/** Writes dist/lambda/index.mjs (the hook) and dist/rotation/index.mjs; the metafile describes the hook. */
export async function buildBundle(): Promise<{ bytes: number; rotationBytes: number }> {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  mkdirSync(ROTATION_BUNDLE_DIR, { recursive: true });
  const [hook, rotation] = await Promise.all([build(bundleOptions), build(rotationBundleOptions)]);
  writeFileSync(METAFILE, JSON.stringify(hook.metafile));
  return { bytes: outputBytes(hook.metafile), rotationBytes: outputBytes(rotation.metafile) };
}

function outputBytes(metafile: { outputs: Record<string, { bytes: number }> } | undefined): number {
  return metafile?.outputs[Object.keys(metafile.outputs)[0] ?? '']?.bytes ?? 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { bytes, rotationBytes } = await buildBundle();
  console.log(`dist/lambda/index.mjs: ${(bytes / 1024).toFixed(1)} KB`);
  console.log(`dist/rotation/index.mjs: ${(rotationBytes / 1024).toFixed(1)} KB`);
}
