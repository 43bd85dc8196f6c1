import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_DEADLINE } from '../support/no-deadline.ts';
import {
  createKeySetCache,
  DEFAULT_KEY_SET_TIMINGS,
  type KeySetCache,
  KeySetTimeoutError,
  KeySetUnavailableError,
} from '../../lambda/auth/key-set-cache.ts';
import { DeadlineExceededError } from '../../lambda/request-deadline.ts';
import { type LocalIssuer, startLocalIssuer } from './support/local-issuer.ts';

type KeySet = ReturnType<typeof createLocalJWKSet>;
const SECOND = 1000;
const HOUR = 3600 * SECOND;
const kids = (keySet: KeySet) => keySet.jwks().keys.map((key) => key.kid);

describe('the key set cache, against a local issuer', () => {
  let issuer: LocalIssuer;
  let now: number;
  let cache: KeySetCache<KeySet>;
  beforeEach(async () => {
    issuer = await startLocalIssuer();
    now = 0;
    cache = createKeySetCache(
      new URL(`${issuer.issuer}/v1/keys`),
      (json) => createLocalJWKSet(json as JSONWebKeySet),
      DEFAULT_KEY_SET_TIMINGS,
      () => now,
    );
  });
  afterEach(() => issuer.close());

  /** Every simulated second from `from` to `to`, one request; the times at which the issuer was asked. */
  async function fetchTimes(from: number, to: number, request: () => Promise<unknown>): Promise<number[]> {
    const times: number[] = [];
    for (now = from; now < to; now += SECOND) {
      const before = issuer.keySetFetches();
      await request().catch(() => undefined);
      await cache.idle();
      if (issuer.keySetFetches() > before) times.push(now);
    }
    return times;
  }

  it('keeps checking with a key set past its max age while fetches fail, and backs off from 1 s to 5 min', async () => {
    const kept = await cache.current(NO_DEADLINE);
    issuer.failKeySet(503);
    const answers = new Set<KeySet>();
    const times = await fetchTimes(HOUR, 2 * HOUR, async () => answers.add(await cache.current(NO_DEADLINE)));

    expect([...answers]).toStrictEqual([kept]);
    // 1, 2, 4 ... 256 s apart, then every 300 s: 20 fetches in the hour where one request a second would make 3600.
    const gaps = times.slice(1).map((time, i) => (time - times[i]!) / SECOND);
    expect(gaps).toStrictEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, ...Array(10).fill(300)]);
    expect(times).toHaveLength(20);

    // Back up: the next attempt after the backoff gets the new set, and the fetches stop.
    issuer.failKeySet(undefined);
    const next = await issuer.newKey();
    issuer.publish(next);
    const after = await fetchTimes(2 * HOUR, 2 * HOUR + 10 * 60 * SECOND, () => cache.current(NO_DEADLINE));
    expect(after).toStrictEqual([times.at(-1)! + 300 * SECOND]);
    expect(kids(await cache.current(NO_DEADLINE))).toContain(next.kid);
  });

  it('refetches for an unknown key at most once a minute, and less often as the backoff grows past it', async () => {
    await cache.current(NO_DEADLINE);
    issuer.failKeySet(503);
    const verdicts: string[] = [];
    const times = await fetchTimes(SECOND, 10 * 60 * SECOND, async () => {
      try {
        verdicts.push((await cache.refetched(NO_DEADLINE)) === undefined ? 'too soon' : 'fetched');
      } catch (error) {
        verdicts.push((error as KeySetUnavailableError).code);
      }
    });
    expect(times.map((time) => time / SECOND)).toStrictEqual([60, 120, 180, 240, 300, 360, 420, 484]);
    // Before the first failure a recent good fetch answers "too soon"; after it, the set is what is missing.
    expect(verdicts.slice(0, 59)).toStrictEqual(Array(59).fill('too soon'));
    expect(new Set(verdicts.slice(59))).toStrictEqual(new Set(['Http503', 'KeySetBackoff']));
  });

  it('shares one fetch between concurrent requests', async () => {
    issuer.delayKeySet(50);
    const sets = await Promise.all(Array.from({ length: 10 }, () => cache.current(NO_DEADLINE)));
    expect(new Set(sets).size).toBe(1);
    expect(issuer.keySetFetches()).toBe(1);

    now = 61 * SECOND;
    const refetched = await Promise.all(Array.from({ length: 10 }, () => cache.refetched(NO_DEADLINE)));
    expect(new Set(refetched).size).toBe(1);
    expect(issuer.keySetFetches()).toBe(2);
  });

  it('stops waiting at the deadline without cancelling the fetch, which the next request finds done', async () => {
    issuer.delayKeySet(300);
    const deadline = new AbortController();
    setTimeout(() => deadline.abort(), 50);
    // Rejected by the deadline, not settled by the fetch: it stopped waiting at 50 ms, not at 300.
    await expect(cache.current(deadline.signal)).rejects.toBeInstanceOf(DeadlineExceededError);

    await cache.idle();
    issuer.failKeySet(503);
    expect(kids(await cache.current(NO_DEADLINE))).toStrictEqual([issuer.keys[0]!.kid]);
    expect(issuer.keySetFetches()).toBe(1);
  });

  it('bounds a fetch by its own timeout, and counts it as a failure', async () => {
    const quick = createKeySetCache(
      new URL(`${issuer.issuer}/v1/keys`),
      (json) => json,
      { ...DEFAULT_KEY_SET_TIMINGS, keySetTimeoutMs: 100 },
      () => now,
    );
    issuer.delayKeySet(2000);
    // Refused by its own timeout, not by the fetch: it gave up at 100 ms, not at 2 s.
    await expect(quick.current(NO_DEADLINE)).rejects.toBeInstanceOf(KeySetTimeoutError);
    await expect(quick.current(NO_DEADLINE)).rejects.toMatchObject({ code: 'KeySetBackoff' });
    expect(issuer.keySetFetches()).toBe(1);
  });

  it.each([
    ['not JSON', '<html>maintenance</html>'],
    ['JSON but not a key set', '{"keys":"none"}'],
  ])('treats a 200 that is %s as a failed fetch and keeps the last good set', async (_name, body) => {
    const kept = await cache.current(NO_DEADLINE);
    issuer.garbleKeySet(body);
    now = HOUR;
    expect(await cache.current(NO_DEADLINE)).toBe(kept);
    await cache.idle();
    expect(issuer.keySetFetches()).toBe(2);
    now = HOUR + 61 * SECOND;
    const refused = await cache.refetched(NO_DEADLINE).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(KeySetUnavailableError);
    expect(refused).toMatchObject({ code: 'KeySetInvalid' });
    expect(String((refused as Error).message)).not.toContain('maintenance');
    expect(await cache.current(NO_DEADLINE)).toBe(kept);
  });
});
