import { beforeEach, describe, expect, it, vi } from 'vitest';

// Every digest and comparison the Basic check makes, recorded by structure (how many, of what size):
// the same work for a wrong username as for a wrong password, without measuring time.
const work = vi.hoisted(() => ({ steps: [] as string[] }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  return {
    ...crypto,
    createHash: (algorithm: string) => {
      work.steps.push(`hash ${algorithm}`);
      return crypto.createHash(algorithm);
    },
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      work.steps.push(`compare ${a.byteLength}/${b.byteLength}`);
      return crypto.timingSafeEqual(a, b);
    },
  };
});

// A fresh copy of the module, so it imports the mock above even where the unit files share one module graph.
vi.resetModules();
const { basicHeaderValue, verifyBasicAuth } = await import('../../lambda/core/basic-auth.ts');

const current = { username: 'okta-hook', password: 'Zq8r1Lx0vT4mWc3t' };
const previous = { username: 'okta-hook', password: 'Wc3t9Hv5pK2sZq8r' };

function workFor(presented: { username: string; password: string }, accepted: Array<typeof current>) {
  work.steps = [];
  const allowed = verifyBasicAuth(basicHeaderValue(presented), accepted);
  return { allowed, steps: work.steps };
}

describe('the Basic check does the same work whichever part is wrong', () => {
  beforeEach(() => {
    work.steps = [];
  });

  it.each([
    ['one accepted credential', [current]],
    ['two, as during a rotation', [current, previous]],
  ])('with %s', (_name, held) => {
    // Credentials as a source holds them: new objects after each read of the secret.
    const accepted = held.map((credential) => ({ ...credential }));
    // The accepted credentials' own digests are made on their first use only, whoever presents what.
    const first = workFor({ username: 'x', password: 'y' }, accepted);
    expect(first.steps.filter((step) => step.startsWith('hash'))).toHaveLength(2 + 2 * accepted.length);
    const right = workFor(current, accepted);
    const wrongUsername = workFor({ ...current, username: 'okta-hooK' }, accepted);
    const wrongPassword = workFor({ ...current, password: 'Zq8r1Lx0vT4mWc3T' }, accepted);
    const bothWrong = workFor({ username: 'x', password: 'a much longer guess than the real one' }, accepted);

    expect([right.allowed, wrongUsername.allowed, wrongPassword.allowed, bothWrong.allowed]).toStrictEqual([true, false, false, false]);
    // Two digests of what was presented, then for each accepted credential two fixed-length
    // comparisons: no exit at the first mismatch, nor at the first match.
    const expected = ['hash sha256', 'hash sha256', ...accepted.flatMap(() => ['compare 32/32', 'compare 32/32'])];
    expect(right.steps).toStrictEqual(expected);
    expect(wrongUsername.steps).toStrictEqual(expected);
    expect(wrongPassword.steps).toStrictEqual(expected);
    expect(bothWrong.steps).toStrictEqual(expected);
  });

  it('still compares against every credential after the first one matched', () => {
    expect(workFor(current, [current, previous, previous]).steps.filter((step) => step.startsWith('compare'))).toHaveLength(6);
  });
});
