import { getOnce } from '../aws/http-transport.ts';
import { createFailureBackoff, untilDeadline } from '../request-deadline.ts';
import type { DeadlineSignal } from '../core/ports.ts';

export interface KeySetTimings {
  /** Bound on one key set fetch: Okta waits 3 s in all, and the patient lookup still has to run. */
  keySetTimeoutMs: number;
  /** An unknown `kid` refetches the key set at most this often, so bad tokens cannot drive fetches. */
  refetchCooldownMs: number;
  /** A key set older than this is fetched again, in the background: tokens are checked meanwhile with it. */
  keySetMaxAgeMs: number;
  /** After a failed fetch, the next waits this long, doubled at each failure in a row... */
  keySetBackoffMs: number;
  /** ...up to this: an Okta outage costs it a fetch every few minutes per function instance, not one a request. */
  keySetMaxBackoffMs: number;
}

export const DEFAULT_KEY_SET_TIMINGS: KeySetTimings = {
  keySetTimeoutMs: 1000,
  refetchCooldownMs: 60_000,
  keySetMaxAgeMs: 60 * 60_000,
  keySetBackoffMs: 1000,
  keySetMaxBackoffMs: 5 * 60_000,
};

/** The key set could not be had: its endpoint failed, answered something else, or is being left alone after failing. */
export class KeySetUnavailableError extends Error {
  override name = 'KeySetUnavailableError';
  constructor(
    message: string,
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** One fetch took longer than its own bound. */
export class KeySetTimeoutError extends Error {
  override name = 'KeySetTimeoutError';
  readonly code = 'KeySetTimeout';
}

/**
 * `{issuer}/v1/keys`, fetched once and kept, as `T` (what `toKeySet` makes of the JSON; it throws on a set
 * it cannot use, which counts as a failed fetch). One fetch at a time, shared by every request waiting for
 * it; a failed fetch keeps the last good set.
 */
export interface KeySetCache<T> {
  /**
   * The set to check a token with: the kept one at once (refreshed in the background once older than the
   * max age), or, before the first good fetch, one fetched now and waited for no longer than the deadline.
   */
  current(deadline: DeadlineSignal): Promise<T>;
  /**
   * After a token named a key the kept set lacks: a newer set, fetched at most once a cooldown (and not
   * before the backoff is over), or `undefined` when the last fetch was good and too recent. Throws while
   * fetches fail: the key may well be new, and what cannot be had is the set that would tell.
   */
  refetched(deadline: DeadlineSignal): Promise<T | undefined>;
  /** Settles once no fetch is in flight, a background refresh included. */
  idle(): Promise<void>;
}

/** `now` (ms) is the clock of the set's age, the cooldown and the backoff. */
export function createKeySetCache<T>(
  url: URL,
  toKeySet: (json: unknown) => T,
  timings: KeySetTimings = DEFAULT_KEY_SET_TIMINGS,
  now: () => number = () => Date.now(),
): KeySetCache<T> {
  let kept: { keySet: T; fetchedAt: number } | undefined;
  let inFlight: Promise<T> | undefined;
  let lastAttemptAt = -Infinity;
  // Counted from the attempt's start, without jitter: one instance, one endpoint.
  const backoff = createFailureBackoff(timings.keySetBackoffMs, timings.keySetMaxBackoffMs);
  let lastFailure: unknown;

  const mayFetch = (at: number) => backoff.allows(at);
  const backingOff = () =>
    new KeySetUnavailableError('the key set is not fetched again yet: its last fetch failed', 'KeySetBackoff', { cause: lastFailure });
  const wait = (fetch: Promise<T>, deadline: DeadlineSignal) => untilDeadline(fetch, deadline, 'the key set fetch');

  function fetchNow(): Promise<T> {
    lastAttemptAt = now();
    inFlight = fetchKeySet(url, timings.keySetTimeoutMs)
      .then(toKeySet)
      .then(
        (keySet) => {
          kept = { keySet, fetchedAt: now() };
          backoff.succeeded();
          inFlight = undefined;
          return keySet;
        },
        (error: unknown) => {
          backoff.failed(lastAttemptAt);
          lastFailure = error;
          inFlight = undefined;
          throw error instanceof KeySetTimeoutError || error instanceof KeySetUnavailableError
            ? error
            : new KeySetUnavailableError('the key set is not a usable JSON Web Key Set', 'KeySetInvalid', { cause: error });
        },
      );
    return inFlight;
  }

  return {
    async current(deadline) {
      if (kept === undefined) {
        if (inFlight !== undefined) return wait(inFlight, deadline);
        if (!mayFetch(now())) throw backingOff();
        return wait(fetchNow(), deadline);
      }
      const at = now();
      if (inFlight === undefined && at - kept.fetchedAt >= timings.keySetMaxAgeMs && mayFetch(at)) {
        // Nobody waits for it: a failure only sets the backoff, and tokens go on being checked with the kept set.
        fetchNow().catch(ignore);
      }
      return kept.keySet;
    },
    async refetched(deadline) {
      if (inFlight !== undefined) return wait(inFlight, deadline);
      const at = now();
      if (backoff.allows(at) && at >= lastAttemptAt + timings.refetchCooldownMs) return wait(fetchNow(), deadline);
      if (backoff.failuresInARow > 0) throw backingOff();
      return undefined;
    },
    idle: () => (inFlight ?? Promise.resolve()).then(ignore, ignore),
  };
}

const ignore = (): undefined => undefined;

async function fetchKeySet(url: URL, timeoutMs: number): Promise<unknown> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Awaited<ReturnType<typeof getOnce>>;
  try {
    response = await getOnce(url, { accept: 'application/json' }, timeout);
  } catch (error) {
    if (timeout.aborted) throw new KeySetTimeoutError(`the key set fetch took longer than ${timeoutMs} ms`);
    const code = (error as { code?: unknown }).code;
    throw new KeySetUnavailableError('the key set could not be fetched', typeof code === 'string' ? code : 'KeySetUnreachable', {
      cause: error,
    });
  }
  if (response.status !== 200) throw new KeySetUnavailableError(`the key set answered ${response.status}`, `Http${response.status}`);
  try {
    return JSON.parse(response.body);
  } catch {
    // The parser's message quotes the body: nothing of it goes into the log.
    throw new KeySetUnavailableError('the key set is not JSON', 'KeySetInvalid');
  }
}
