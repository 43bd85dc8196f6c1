import { describe, expect, it } from 'vitest';
import { createUserHasher } from '../../lambda/observability.ts';

const key = 'k'.repeat(32);

describe('createUserHasher', () => {
  it('gives the same short id for the same login and key, and another for another login', () => {
    const hash = createUserHasher(key);
    expect(hash('kim.sato@example.com')).toBe(hash('kim.sato@example.com'));
    expect(hash('kim.sato@example.com')).toMatch(/^[\w-]{16}$/);
    expect(hash('kim.sato@example.com')).not.toBe(hash('rajiv.tal@example.com'));
  });

  it('cannot be recomputed from the login alone: another key gives another id', () => {
    expect(createUserHasher(key)('kim.sato@example.com')).not.toBe(createUserHasher('x'.repeat(32))('kim.sato@example.com'));
  });

  it('uses a random key when none is configured', () => {
    expect(createUserHasher(undefined)('kim.sato@example.com')).not.toBe(createUserHasher(undefined)('kim.sato@example.com'));
  });
});
