import type { CliIo } from '../../../tools/cli/run-command.ts';

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

export interface CapturedIoOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Pretend both streams are a terminal (progress bar, colours). */
  tty?: boolean;
  /** Answers prompts; without it there is no terminal to ask on. */
  confirm?: (question: string) => Promise<boolean>;
}

/** A CliIo whose output is kept for assertions; the environment holds only what the test gives. */
export function capturedIo({ env = {}, cwd = process.cwd(), tty = false, confirm }: CapturedIoOptions = {}): CapturedIo {
  let stdout = '';
  let stderr = '';
  return {
    stdout: { write: (text: string) => (stdout += text), isTTY: tty },
    stderr: { write: (text: string) => (stderr += text), isTTY: tty },
    env,
    cwd,
    ...(confirm ? { confirm } : {}),
    out: () => stdout,
    err: () => stderr,
  };
}
