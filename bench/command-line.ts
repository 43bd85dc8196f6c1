import { parseArgs } from 'node:util';
import { type CliIo, EXIT, type ExitCode } from '../tools/cli/run-command.ts';

const USAGE = `usage: npm run bench [-- --save]

Builds the bundle and the floor (bench/floor/hook.ts, the least a hook can do), then measures the
bundle's size, its cold load and warm CPU a call against the floor's in the same run, its log bytes a
patient request, the cost per million calls behind each front door, and the local service under load,
and prints them with their methods and goals (a few minutes; keep the machine quiet). Exit 1 when a
goal is missed.
  --save                 write the figures to bench/results.json, the published ones (commit it)
  BENCH_QUICK=1          a smoke run: 3 s of load, fewer cold runs
  BENCH_NO_HYPERFINE=1   time cold starts with the built-in child-process loop even if hyperfine is on PATH`;

/** npm run bench's command line: --save, or --help and the exit code to stop with; anything else is one line and exit 2. */
export function benchCommandLine(argv: readonly string[], io: CliIo): { save: boolean } | ExitCode {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { save: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    return { save: values.save ?? false };
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message.split('. ')[0]}; npm run bench -- --help shows the usage\n`);
    return EXIT.usage;
  }
}
