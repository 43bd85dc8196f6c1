import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One process to start cold: argv (argv[0] is the executable) and its whole environment. */
export interface ColdCommand {
  name: string;
  argv: string[];
  env: Record<string, string>;
}

export interface ColdTimes {
  tool: 'hyperfine' | 'child-process loop';
  /** How the commands were interleaved and warmed up, for the method line. */
  schedule: string;
  /** Wall times in ms, one array a command (in the order given), one value a run. */
  timesMs: number[][];
}

export interface ColdOptions {
  /** Measured runs of each command (at least 20 for a figure). */
  runs: number;
  /** Unmeasured runs of each command first: file cache, CPU frequency. */
  warmup: number;
}

let hyperfineChecked: string | undefined | null = null;

/** The hyperfine binary on PATH, unless BENCH_NO_HYPERFINE=1 asks for the built-in loop. */
export async function findHyperfine(): Promise<string | undefined> {
  if (process.env.BENCH_NO_HYPERFINE === '1') return undefined;
  if (hyperfineChecked !== null) return hyperfineChecked;
  hyperfineChecked = await new Promise<string | undefined>((resolve) => {
    execFile('hyperfine', ['--version'], (error) => resolve(error ? undefined : 'hyperfine'));
  });
  return hyperfineChecked;
}

/**
 * Wall times of cold processes, the commands interleaved so that drift (CPU frequency, other work on
 * the machine) lands on all of them alike. A run that exits non-zero fails the whole measurement: a
 * candidate checks its own answer and exits 3 on a wrong one. The commands must share one environment.
 *
 * Everything here is asynchronous on purpose: the store a candidate talks to may live in this process.
 */
export async function timeCold(commands: readonly ColdCommand[], options: ColdOptions): Promise<ColdTimes> {
  const env = JSON.stringify(commands[0]?.env);
  if (commands.some((command) => JSON.stringify(command.env) !== env)) {
    throw new Error('interleaved cold commands must share one environment (hyperfine gives all the same)');
  }
  const hyperfine = await findHyperfine();
  return hyperfine ? withHyperfine(hyperfine, commands, options) : withLoop(commands, options);
}

// The i-th ordering of the commands: rotated by i, and reversed every other time, so that no command
// keeps a place (first after a pause, right after the heaviest one).
function ordering<T>(items: readonly T[], i: number): T[] {
  const rotated = items.map((_, k) => items[(k + i) % items.length] as T);
  return i % 2 === 0 ? rotated : rotated.reverse();
}

// hyperfine runs all runs of one command, then of the next; short rounds in changing order
// interleave them. Each round warms up again, which is cheap and keeps the caches honest.
const RUNS_PER_ROUND = 5;

async function withHyperfine(binary: string, commands: readonly ColdCommand[], { runs, warmup }: ColdOptions): Promise<ColdTimes> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-hyperfine-'));
  const timesMs = commands.map((): number[] => []);
  try {
    const rounds = Math.ceil(runs / RUNS_PER_ROUND);
    for (let round = 0; round < rounds; round++) {
      const ordered = ordering(
        commands.map((command, index) => ({ command, index })),
        round,
      );
      const exported = join(dir, `round-${round}.json`);
      await run(
        binary,
        [
          '--shell=none',
          '--style=none',
          `--warmup=${round === 0 ? warmup : 1}`,
          `--runs=${RUNS_PER_ROUND}`,
          `--export-json=${exported}`,
          ...ordered.map(({ command }) => command.argv.map(shellWord).join(' ')),
        ],
        commands[0]?.env ?? {},
      );
      const results = (JSON.parse(readFileSync(exported, 'utf8')) as { results: Array<{ times: number[] }> }).results;
      ordered.forEach(({ index }, position) => {
        timesMs[index]?.push(...(results[position]?.times ?? []).map((seconds) => seconds * 1000));
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    tool: 'hyperfine',
    schedule: `rounds of ${RUNS_PER_ROUND} runs a command, the order changed each round; ${warmup} warm-up runs each before the first round, 1 before the others`,
    timesMs,
  };
}

async function withLoop(commands: readonly ColdCommand[], { runs, warmup }: ColdOptions): Promise<ColdTimes> {
  for (let i = 0; i < warmup; i++) for (const command of commands) await timeOnce(command);
  const timesMs = commands.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    for (const { command, index } of ordering(
      commands.map((command, index) => ({ command, index })),
      i,
    )) {
      timesMs[index]?.push(await timeOnce(command));
    }
  }
  return {
    tool: 'child-process loop',
    schedule: `run by run, the order changed each run (A B, B A, ...); ${warmup} warm-up runs each first`,
    timesMs,
  };
}

/** Spawn to exit, in ms; the output is thrown away, as hyperfine does. */
export function timeOnce({ name, argv, env }: ColdCommand): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0] as string, argv.slice(1), { env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const elapsed = performance.now() - started;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`${name} exited with ${code ?? signal}`));
    });
  });
}

/** Runs a command to its end and returns its stdout; rejects with its stderr on failure. */
export function run(file: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`exit code ${String(error.code)}: ${stderr.trim() || 'no output on stderr'}`));
      else resolve(stdout);
    });
  });
}

// hyperfine --shell=none splits a command line by POSIX shell word rules.
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
