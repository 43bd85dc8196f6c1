import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from './cli-io.ts';
import { EXIT, type ExitCode, UsageError } from './exit-codes.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommandLine<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];
  positionals: string[];
}

/**
 * Runs one CLI invocation: parses argv against the options, prints usage for --help, and turns a
 * UsageError into one line and exit 2 (the usage would bury it; the line says where to find it) and any
 * other error into a one-line message and exit 1.
 */
export async function runCommand<O extends Options>(
  argv: readonly string[],
  io: CliIo,
  spec: { usage: string; options: O },
  body: (commandLine: ParsedCommandLine<O>) => Promise<ExitCode>,
): Promise<ExitCode> {
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout.write(`${spec.usage}\n`);
      return EXIT.ok;
    }
    const { values, positionals } = parseCommandLine(argv, spec.options);
    return await body({ values, positionals });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}${helpPointer(spec.usage)}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

/** "; npm run patients -- --help shows the usage", from the command the usage's first line names. */
function helpPointer(usage: string): string {
  const command = /npm run (\S+)/i.exec(usage)?.[1];
  return command ? `; npm run ${command} -- --help shows the usage` : '';
}

function parseCommandLine<O extends Options>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util says what is wrong ("Unknown option '--x'") and how to fix it; keep the first sentence.
    const message = error instanceof Error ? error.message.split('. ')[0] : String(error);
    throw new UsageError(message ?? 'invalid command line');
  }
}
