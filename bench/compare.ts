/**
 * Cold load of built bundles side by side, for a before/after figure on this noisy shared machine:
 * every bundle and an empty node run in the same rounds, the order rotated and reversed each round,
 * each importing the bundle with the function's environment (static credential: no AWS call at init).
 *
 *   npx tsx bench/compare.ts before=/tmp/base/dist/lambda/index.mjs after=dist/lambda/index.mjs
 *   BENCH_RUNS=40 (default 30)
 *
 * Three figures a bundle, each a median over the empty node's median: the wall time of the process
 * (what bench/run.ts reports), the time from process start to the end of the import as the process sees
 * it (performance.now(), no exit), and the CPU time the process used (user + system, process.cpuUsage()),
 * sampled by bench/measure/cold-cpu.ts as `npm run bench` does. Spread: median absolute deviation.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kb } from './measure/bundle.ts';
import { type ColdSample, sampleColdImports } from './measure/cold-cpu.ts';
import { coldEnvironment } from './measure/cold-start.ts';
import { mad, median, round } from './support/stats.ts';

async function main(): Promise<void> {
  const bundles = process.argv.slice(2).map((argument) => {
    const [name, file] = argument.includes('=') ? (argument.split(/=(.*)/s, 2) as [string, string]) : [argument, argument];
    return { name, file: resolve(file) };
  });
  if (bundles.length === 0) throw new Error('usage: npx tsx bench/compare.ts name=path/to/index.mjs [name=path ...]');
  const runs = Number(process.env.BENCH_RUNS ?? 30);
  // Loading makes no store call; the endpoint only completes the function's environment.
  const env = coldEnvironment('http://127.0.0.1:9');
  const samples = await sampleColdImports(
    bundles.map(({ file }) => file),
    env,
    runs,
  );
  const figure = (values: ColdSample[], key: keyof ColdSample, base?: number) => {
    const series = values.map((sample) => sample[key]);
    const centre = median(series);
    const shown = base === undefined ? `${round(centre)}` : `+${round(centre - base)}`;
    return `${shown} ms (MAD ${round(mad(series))})`.padStart(22);
  };
  const [baseline = [], ...candidates] = samples;
  const base = (key: keyof ColdSample) => median(baseline.map((sample) => sample[key]));
  console.log(`${runs} runs each after 3 warm-up rounds; all commands in every round, order rotated and reversed round by round`);
  console.log(`${''.padEnd(18)} ${'entry file'.padStart(10)} ${'wall'.padStart(22)} ${'import done'.padStart(22)} ${'CPU'.padStart(22)}`);
  console.log(
    `${'empty node'.padEnd(18)} ${''.padStart(10)} ${figure(baseline, 'wallMs')} ${figure(baseline, 'readyMs')} ${figure(baseline, 'cpuMs')}`,
  );
  bundles.forEach(({ name, file }, index) => {
    const values = candidates[index] ?? [];
    console.log(
      `${name.padEnd(18)} ${kb(statSync(file).size).padStart(10)} ${figure(values, 'wallMs', base('wallMs'))} ${figure(values, 'readyMs', base('readyMs'))} ${figure(values, 'cpuMs', base('cpuMs'))}`,
    );
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
