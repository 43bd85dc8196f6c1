import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions } from '../../infra/bundles.ts';

const FLOOR_DIR = fileURLToPath(new URL('../../dist/floor/', import.meta.url));
export const FLOOR_FILE = `${FLOOR_DIR}index.mjs`;

/** Builds bench/floor/hook.ts into dist/floor/index.mjs with the hook's own esbuild options; its size in bytes. */
export async function buildFloor(): Promise<number> {
  const result = await build({
    ...bundleOptions,
    entryPoints: { index: fileURLToPath(new URL('./hook.ts', import.meta.url)) },
    outdir: FLOOR_DIR,
    logLevel: 'error',
  });
  return Object.values(result.metafile?.outputs ?? {}).find((output) => output.entryPoint !== undefined)?.bytes ?? 0;
}
