import { createInterface } from 'node:readline/promises';
import type { CliIo } from './cli-io.ts';

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

async function askOnTerminal(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
