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
