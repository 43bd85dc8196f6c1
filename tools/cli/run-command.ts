import { createInterface } from 'node:readline/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';

// How every tool runs: the process it is given (or a capture in tests), its exit codes, and one
// invocation from argv to exit code.

/** Where a command writes: a process stream, or a capture in tests. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything a command needs from its process, so tests can run it in-process. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** The variables the tool reads itself; the AWS SDK reads process.env on its own. */
  env: Record<string, string | undefined>;
  /** Where relative file names start. */
  cwd: string;
  /** Asks a yes/no question; absent when there is no terminal to ask on. */
  confirm?: (question: string) => Promise<boolean>;
}

export const EXIT = {
  ok: 0,
  /** Bad input (rows, request file), a refusal, or an operation that failed. */
  failed: 1,
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A command line that cannot be run as given: the tool prints the message and its usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

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

/**
 * The command line of a command that takes no arguments, its settings coming from the environment (npm
 * start, npm run demo): --help prints the usage and any argument is a one-line usage error, each ending
 * the run with the exit code returned; undefined when the command line is empty and the command goes on.
 */
export function checkNoArguments(argv: readonly string[], io: CliIo, spec: { command: string; usage: string }): ExitCode | undefined {
  const [first] = argv;
  if (first === undefined) return undefined;
  if (first === '--help' || first === '-h') {
    io.stdout.write(`${spec.usage}\n`);
    return EXIT.ok;
  }
  io.stderr.write(
    `${spec.command}: it takes no arguments, "${first}" was given: settings come from the environment (${spec.command} -- --help)\n`,
  );
  return EXIT.usage;
}

/** The running process as a CliIo: its streams, environment, and a terminal prompt when there is one. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    // npm run moves to the package folder; INIT_CWD is where the operator typed the command.
    cwd: process.env.INIT_CWD ?? process.cwd(),
    ...(process.stdin.isTTY && process.stderr.isTTY ? { confirm: askOnTerminal } : {}),
  };
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

async function askOnTerminal(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
