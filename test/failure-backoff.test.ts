import { describe, expect, it } from 'vitest';
import { createFailureBackoff } from '../lambda/request-deadline.ts';

describe('the failure back-off', () => {
  it('waits the initial step, doubles it at each failure in a row up to the cap, and clears on success', () => {
    const backoff = createFailureBackoff(1000, 4000);
    expect(backoff.allows(0)).toBe(true);
    backoff.failed(0);
    expect([backoff.allows(999), backoff.allows(1000)]).toStrictEqual([false, true]);
    backoff.failed(1000);
    expect(backoff.retryAt).toBe(3000);
    backoff.failed(3000);
    backoff.failed(7000);
    expect(backoff.retryAt).toBe(11_000);
    expect(backoff.failuresInARow).toBe(4);
    backoff.succeeded();
    expect([backoff.allows(0), backoff.failuresInARow]).toStrictEqual([true, 0]);
  });

  it('takes up to a quarter off each wait with a random in [0, 1)', () => {
    const backoff = createFailureBackoff(1000, 4000, () => 0.5);
    backoff.failed(0);
    expect(backoff.retryAt).toBe(875);
  });
});
