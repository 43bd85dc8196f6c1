import type { DeadlineSignal } from './core/ports.ts';

/**
 * Every answer leaves within 1 s of the handler receiving the request, whatever is slow (a credential
 * read, a key set fetch, the store): Okta waits 3 s and mints without the claim after that. One budget
 * for the whole request, shared by every outbound call in it; the last 100 ms are kept for the answer
 * itself. A cold start's init (the credential read during `prepare()`, bounded on its own) comes before.
 */
export const REQUEST_BUDGET_MS = 900;

/** The `code` of an error that says a deadline passed, whichever bundle file made it. */
export const DEADLINE_EXCEEDED = 'DeadlineExceeded';

export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
  readonly code = DEADLINE_EXCEEDED;
  constructor(what: string) {
    super(`${what} did not finish before the request's deadline`);
  }
}

/** One timer per request: its signal aborts when the budget is spent. `clear()` when the answer is made. */
export interface RequestDeadline {
  readonly signal: DeadlineSignal;
  /** Brings the deadline forward to at most `ms` from now (a tighter bound for the call about to start). */
  within(ms: number): DeadlineSignal;
  clear(): void;
}

/**
 * The request's signal: an AbortSignal's members that the calls use, on a plain list of listeners. Node
 * builds an AbortSignal (an EventTarget) at several µs a request, more than the rest of the deadline's
 * bookkeeping (bench/README.md, "The warm path"). Like an AbortSignal, it aborts once, calls each
 * listener once however often it was added, and never calls one added after: callers look at `aborted` first.
 */
class RequestSignal implements DeadlineSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Array<() => void> = [];

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted && !this.listeners.includes(listener)) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const index = this.listeners.indexOf(listener);
    if (index >= 0) this.listeners.splice(index, 1);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) {
      // As an EventTarget does: one failing listener is reported, and the others still hear the abort.
      try {
        listener();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

export function startRequestDeadline(
  budgetMs: number = REQUEST_BUDGET_MS,
  now: () => number = performance.now.bind(performance),
): RequestDeadline {
  const signal = new RequestSignal();
  let endsAt = now() + budgetMs;
  const expire = () => signal.abort(new DeadlineExceededError('the request'));
  let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(expire, budgetMs);
  return {
    signal,
    within(ms) {
      const end = now() + ms;
      if (timer !== undefined && end < endsAt) {
        clearTimeout(timer);
        endsAt = end;
        timer = setTimeout(expire, ms);
      }
      return signal;
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
export function untilDeadline<T>(work: Promise<T>, signal: DeadlineSignal, what: string): Promise<T> {
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
