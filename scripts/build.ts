import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

export const BUNDLE_DIR = fileURLToPath(new URL('../dist/lambda/', import.meta.url));
export const BUNDLE_FILE = `${BUNDLE_DIR}index.mjs`;
export const METAFILE = fileURLToPath(new URL('../dist/meta.json', import.meta.url));

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

export async function buildBundle(): Promise<{ bytes: number }> {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const result = await build(bundleOptions);
  writeFileSync(METAFILE, JSON.stringify(result.metafile));
  const output = result.metafile?.outputs[Object.keys(result.metafile.outputs)[0] ?? ''];
  return { bytes: output?.bytes ?? 0 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { bytes } = await buildBundle();
  console.log(`dist/lambda/index.mjs: ${(bytes / 1024).toFixed(1)} KB`);
}
