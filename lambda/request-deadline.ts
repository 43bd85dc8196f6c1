/**
 * Every answer leaves within 1 s of the handler receiving the request, whatever is slow (a credential
 * read, a key set fetch, the store): Okta waits 3 s and mints without the claim after that. One budget
 * for the whole request, shared by every outbound call in it; the last 100 ms are kept for the answer
 * itself. A cold start's init (the credential read during `prepare()`, bounded on its own) comes before.
 */
export const REQUEST_BUDGET_MS = 900;

export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
  readonly code = 'DeadlineExceeded';
  constructor(what: string) {
    super(`${what} did not finish before the request's deadline`);
  }
}

/** One timer per request: its signal aborts when the budget is spent. `clear()` when the answer is made. */
export interface RequestDeadline {
  readonly signal: AbortSignal;
  /** Brings the deadline forward to at most `ms` from now (a tighter bound for the call about to start). */
  within(ms: number): AbortSignal;
  clear(): void;
}

export function startRequestDeadline(
  budgetMs: number = REQUEST_BUDGET_MS,
  now: () => number = performance.now.bind(performance),
): RequestDeadline {
  const controller = new AbortController();
  let endsAt = now() + budgetMs;
  const expire = () => controller.abort(new DeadlineExceededError('the request'));
  let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(expire, budgetMs);
  return {
    signal: controller.signal,
    within(ms) {
      const end = now() + ms;
      if (timer !== undefined && end < endsAt) {
        clearTimeout(timer);
        endsAt = end;
        timer = setTimeout(expire, ms);
      }
      return controller.signal;
    },
    clear() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * Waits for shared work (a read other requests wait on too) no longer than this request may: the work
 * goes on for the others, this request stops waiting when its signal aborts.
 */
export function untilDeadline<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new DeadlineExceededError(what));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DeadlineExceededError(what));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

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
