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
 * it (performance.now(), no exit), and the CPU time the process used (user + system, process.cpuUsage()).
 * The CPU figure moves least when other work shares the machine. Spread: median absolute deviation.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { kb } from './measure/bundle.ts';
import { coldEnvironment } from './measure/cold-start.ts';
import { mad, median, round } from './support/stats.ts';

interface Sample {
  wallMs: number;
  readyMs: number;
  cpuMs: number;
}

// Printed by every child after its import: what it took from its own point of view.
const REPORT =
  'const u = process.cpuUsage(); process.stdout.write(JSON.stringify({ readyMs: performance.now(), cpuMs: (u.user + u.system) / 1000 }));';

function runOnce(script: string, env: Record<string, string>): Promise<Sample> {
  const started = performance.now();
  return new Promise((done, fail) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) return fail(new Error(`${String(error)}\n${stderr}`));
      const wallMs = performance.now() - started;
      done({ wallMs, ...(JSON.parse(stdout) as Omit<Sample, 'wallMs'>) });
    });
  });
}

async function main(): Promise<void> {
  const bundles = process.argv.slice(2).map((argument) => {
    const [name, file] = argument.includes('=') ? (argument.split(/=(.*)/s, 2) as [string, string]) : [argument, argument];
    return { name, file: resolve(file) };
  });
  if (bundles.length === 0) throw new Error('usage: npx tsx bench/compare.ts name=path/to/index.mjs [name=path ...]');
  const runs = Number(process.env.BENCH_RUNS ?? 30);
  // Loading makes no store call; the endpoint only completes the function's environment.
  const env = coldEnvironment('http://127.0.0.1:9');
  const scripts = ['', ...bundles.map(({ file }) => `await import(${JSON.stringify(pathToFileURL(file).href)});`)].map(
    (load) => `${load} ${REPORT}`,
  );
  const samples: Sample[][] = scripts.map(() => []);
  const order = scripts.map((_, index) => index);
  for (let round = -3; round < runs; round++) {
    const rotated = order.map((_, k) => order[(k + round + 3) % order.length] as number);
    for (const index of round % 2 === 0 ? rotated : rotated.reverse()) {
      const sample = await runOnce(scripts[index] as string, env);
      if (round >= 0) samples[index]?.push(sample);
    }
  }
  const figure = (values: Sample[], key: keyof Sample, base?: number) => {
    const series = values.map((sample) => sample[key]);
    const centre = median(series);
    const shown = base === undefined ? `${round(centre)}` : `+${round(centre - base)}`;
    return `${shown} ms (MAD ${round(mad(series))})`.padStart(22);
  };
  const [baseline = [], ...candidates] = samples;
  const base = (key: keyof Sample) => median(baseline.map((sample) => sample[key]));
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
