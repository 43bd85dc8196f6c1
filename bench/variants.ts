/**
 * Comparison builds: the hook bundled with one part swapped, each measured like the real bundle (size,
 * cold load, cold first answer, cold load with the secret read at init). The figures behind the
 * choices in bench/README.md. Not part of `npm run bench`; takes under a minute:
 *
 *   npx tsx bench/variants.ts            (BENCH_QUICK=1 for fewer runs)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { startEmbeddedDynamoDbProcess } from '../local/embedded-dynamodb.ts';
import { bundleOptions } from '../infra/bundles.ts';
import { kb, measureBundle } from './measure/bundle.ts';
import {
  bundleFirstAnswer,
  bundleLoad,
  coldEnvironment,
  emptyNode,
  BENCH_SECRET,
  measureColdMany,
  withSecretAtInit,
} from './measure/cold-start.ts';
import type { ColdOptions } from './support/process-timer.ts';
import { startFakeSecretsManager } from '../test/support/fake-secrets-manager.ts';
import { BENCH_CREDENTIAL } from './support/requests.ts';
import { seedPatients } from '../test/support/seeded-store.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

interface Variant {
  name: string;
  what: string;
  /** Module file (as lambda/ imports it) → the file to bundle instead. */
  swaps?: Record<string, string>;
  entry?: string;
  /** Only the size and the cold load make sense (not a handler). */
  loadOnly?: boolean;
  /** A dependency calls require() (the AWS SDK's CommonJS parts): the ES module bundle needs one to exist. */
  needsRequire?: boolean;
}

const REQUIRE_SHIM = "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

export const VARIANTS: Variant[] = [
  { name: 'current', what: 'the tree as it is (hand-written SigV4 on node:crypto, all imports at top level)' },
  {
    name: 'aws4fetch-signer',
    what: 'the client signed by aws4fetch (global Headers + crypto.subtle), as before this change',
    swaps: { 'aws/sigv4.ts': here('./variants/aws4fetch-sigv4.ts') },
  },
  {
    name: 'sdk-v3-clients',
    what: 'AWS SDK v3: DynamoDBClient + GetItemCommand, SecretsManagerClient + GetSecretValueCommand / BatchGetSecretValueCommand',
    swaps: { 'aws/aws-json-client.ts': here('./variants/sdk-v3-json-client.ts') },
    needsRequire: true,
  },
  {
    name: 'checks-only',
    what: 'not a handler: only lambda/config.ts and lambda/core/hook-request.ts, the configuration and request checks',
    entry: here('./variants/checks-entry.ts'),
    loadOnly: true,
  },
];

/** Redirects lambda/'s import of a module to a variant file (the variant's own imports pass through). */
function swapPlugin(swaps: Record<string, string>): Plugin {
  return {
    name: 'bench-swap',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /\.ts$/ }, (args) => {
        if (!args.importer.includes('/lambda/')) return undefined;
        const target = fileURLToPath(new URL(args.path, `file://${args.resolveDir}/`));
        for (const [module, replacement] of Object.entries(swaps)) {
          if (target.endsWith(`/lambda/${module}`) && args.importer !== replacement) {
            return { path: replacement };
          }
        }
        return undefined;
      });
    },
  };
}

/** Builds a variant into outDir/<name>/ (index.mjs and its chunks): the bundle imports only built-ins, so any folder will do. */
export async function buildVariant(variant: Variant, outDir: string): Promise<{ file: string; metafile: Metafile }> {
  mkdirSync(join(outDir, variant.name), { recursive: true });
  const file = join(outDir, variant.name, 'index.mjs');
  const result = await build({
    ...bundleOptions,
    ...(variant.entry ? { entryPoints: { index: variant.entry } } : {}),
    outdir: join(outDir, variant.name),
    ...(variant.needsRequire ? { banner: { js: REQUIRE_SHIM } } : {}),
    metafile: true,
    logLevel: 'error',
    plugins: [...(bundleOptions.plugins ?? []), ...(variant.swaps ? [swapPlugin(variant.swaps)] : [])],
  });
  if (!result.metafile) throw new Error('esbuild wrote no metafile');
  return { file, metafile: result.metafile };
}

const fmt = (ms: number | undefined) => (ms === undefined ? '—' : `+${ms.toFixed(1)} ms`);

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options: ColdOptions = process.env.BENCH_QUICK === '1' ? { runs: 10, warmup: 2 } : { runs: 30, warmup: 3 };
  const outDir = mkdtempSync(join(tmpdir(), 'bench-variants-'));
  const store = await startEmbeddedDynamoDbProcess();
  const secrets = await startFakeSecretsManager(BENCH_CREDENTIAL, BENCH_SECRET);
  try {
    await seedPatients(store.endpoint);
    const env = coldEnvironment(store.endpoint);
    const secretEnv = withSecretAtInit(env, secrets.endpoint);
    const built = [];
    for (const variant of VARIANTS) built.push({ variant, ...(await buildVariant(variant, outDir)) });
    const handlers = built.filter(({ variant }) => !variant.loadOnly);
    // Each figure times the empty node and every variant in the same interleaved rounds.
    const load = await measureColdMany(
      emptyNode(env),
      built.map(({ variant, file }) => ({ candidate: bundleLoad(file, env), what: variant.name })),
      options,
    );
    const first = await measureColdMany(
      emptyNode(env),
      handlers.map(({ variant, file }) => ({ candidate: bundleFirstAnswer(file, env), what: variant.name })),
      options,
    );
    const secret = await measureColdMany(
      emptyNode(secretEnv),
      handlers.map(({ variant, file }) => ({ candidate: bundleLoad(file, secretEnv), what: variant.name })),
      options,
    );

    console.log(
      `${load[0]?.tool}, ${load[0]?.runs} runs a figure and command; ms over the empty node (baselines: ${load[0]?.baselineMedianMs}, ${first[0]?.baselineMedianMs}, ${secret[0]?.baselineMedianMs} ms)\n`,
    );
    console.log(
      `${'variant'.padEnd(18)} ${'bundle'.padStart(9)} ${'gzip'.padStart(9)}  ${'load'.padStart(9)}  ${'first answer'.padStart(12)}  ${'load+secret'.padStart(11)}`,
    );
    built.forEach(({ variant, file, metafile }, index) => {
      const { bytes, gzipBytes } = measureBundle(file, metafile);
      const handlerIndex = handlers.findIndex((handler) => handler.variant === variant);
      console.log(
        `${variant.name.padEnd(18)} ${kb(bytes).padStart(9)} ${kb(gzipBytes).padStart(9)}  ${fmt(load[index]?.overBaselineMs).padStart(9)}  ${fmt(first[handlerIndex]?.overBaselineMs).padStart(12)}  ${fmt(secret[handlerIndex]?.overBaselineMs).padStart(11)}`,
      );
    });
    console.log('');
    for (const { variant } of built) console.log(`${variant.name}: ${variant.what}`);
  } finally {
    await secrets.close();
    await store.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
