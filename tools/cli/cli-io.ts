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
