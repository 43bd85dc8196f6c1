import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** One cold process: its wall time, the time to the end of its import as it sees it, and the CPU it used. */
export interface ColdSample {
  wallMs: number;
  readyMs: number;
  cpuMs: number;
}

// Printed by every child after its import: what it took from its own point of view.
const REPORT =
  'const u = process.cpuUsage(); process.stdout.write(JSON.stringify({ readyMs: performance.now(), cpuMs: (u.user + u.system) / 1000 }));';

function runOnce(script: string, env: Record<string, string>): Promise<ColdSample> {
  const started = performance.now();
  return new Promise((done, fail) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) return fail(new Error(`${String(error)}\n${stderr}`));
      const wallMs = performance.now() - started;
      done({ wallMs, ...(JSON.parse(stdout) as Omit<ColdSample, 'wallMs'>) });
    });
  });
}

/**
 * Imports of built modules and an empty node (first in the result), each a fresh process with `env`, all
 * in the same rounds, the order rotated and reversed round by round, after 3 warm-up rounds. The CPU
 * figure moves least when other work shares the machine.
 */
export async function sampleColdImports(files: readonly string[], env: Record<string, string>, runs: number): Promise<ColdSample[][]> {
  const scripts = ['', ...files.map((file) => `await import(${JSON.stringify(pathToFileURL(file).href)});`)].map(
    (load) => `${load} ${REPORT}`,
  );
  const samples: ColdSample[][] = scripts.map(() => []);
  const order = scripts.map((_, index) => index);
  for (let round = -3; round < runs; round++) {
    const rotated = order.map((_, k) => order[(k + round + 3) % order.length] as number);
    for (const index of round % 2 === 0 ? rotated : rotated.reverse()) {
      const sample = await runOnce(scripts[index] as string, env);
      if (round >= 0) samples[index]?.push(sample);
    }
  }
  return samples;
}
