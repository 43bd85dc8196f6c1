/**
 * After a failed read of something every request needs (the hook secret, the issuer's key set), the next
 * read waits: `initialMs`, doubled at each failure in a row up to `maxMs`, counted from `failed(at)`. A
 * `random` in [0, 1) takes up to a quarter off each wait, so instances that failed together spread out.
 */
export interface FailureBackoff {
  failed(at: number): void;
  succeeded(): void;
  /** Whether a read may start at `at`. */
  allows(at: number): boolean;
  /** When the next read may start; -Infinity after a success. */
  readonly retryAt: number;
  readonly failuresInARow: number;
}

export function createFailureBackoff(initialMs: number, maxMs: number, random: () => number = () => 0): FailureBackoff {
  let failuresInARow = 0;
  let retryAt = Number.NEGATIVE_INFINITY;
  return {
    failed(at) {
      failuresInARow++;
      retryAt = at + Math.min(maxMs, initialMs * 2 ** (failuresInARow - 1)) * (1 - random() / 4);
    },
    succeeded() {
      failuresInARow = 0;
      retryAt = Number.NEGATIVE_INFINITY;
    },
    allows: (at) => at >= retryAt,
    get retryAt() {
      return retryAt;
    },
    get failuresInARow() {
      return failuresInARow;
    },
  };
}
