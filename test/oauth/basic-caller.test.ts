import { describe, expect, it } from 'vitest';
import { NO_DEADLINE } from '../support/no-deadline.ts';
import { createBasicCallerAuthenticator } from '../../lambda/auth/basic-caller.ts';
import { basicHeaderValue, type BasicCredential } from '../../lambda/core/basic-auth.ts';

const current: BasicCredential = { username: 'okta', password: 'current-password' };
const rotated: BasicCredential = { username: 'okta', password: 'rotated-password' };

describe('the Basic caller check', () => {
  it('accepts the credential and refuses others as Unauthorized', async () => {
    const check = createBasicCallerAuthenticator({ acceptedCredentials: async () => [current] });
    expect(await check.authenticate(basicHeaderValue(current), NO_DEADLINE)).toStrictEqual({ allowed: true });
    expect(await check.authenticate(basicHeaderValue(rotated), NO_DEADLINE)).toStrictEqual({ allowed: false, reason: 'Unauthorized' });
    expect(check.challenge).toBe('Basic realm="okta-token-hook", charset="UTF-8"');
  });

  it('tells an accepted caller which secret versions hold what it presented, found at once or after a reload', async () => {
    const check = createBasicCallerAuthenticator({
      acceptedCredentials: async () => [{ ...current, version: { id: 'v1', stage: 'AWSCURRENT' } }],
      reloadAfterMismatch: async () => [
        { ...current, version: { id: 'v1', stage: 'AWSCURRENT' } },
        { ...rotated, version: { id: 'v2', stage: 'AWSPENDING' } },
      ],
    });
    expect(await check.authenticate(basicHeaderValue(current), NO_DEADLINE)).toStrictEqual({
      allowed: true,
      secretVersions: [{ id: 'v1', stage: 'AWSCURRENT' }],
    });
    expect(await check.authenticate(basicHeaderValue(rotated), NO_DEADLINE)).toStrictEqual({
      allowed: true,
      secretVersions: [{ id: 'v2', stage: 'AWSPENDING' }],
    });
  });

  it('re-reads the source once on a mismatch, so a rotated credential is accepted at once', async () => {
    let reloads = 0;
    const check = createBasicCallerAuthenticator({
      acceptedCredentials: async () => [current],
      reloadAfterMismatch: async () => {
        reloads++;
        return [rotated];
      },
    });
    expect(await check.authenticate(basicHeaderValue(rotated), NO_DEADLINE)).toStrictEqual({ allowed: true });
    expect(await check.authenticate(basicHeaderValue(current), NO_DEADLINE)).toStrictEqual({ allowed: true });
    expect(reloads).toBe(1);
  });

  it('refuses as CredentialSourceUnavailable when the source cannot be read, and prepare() surfaces it', async () => {
    const failure = new Error('secrets manager is down');
    const check = createBasicCallerAuthenticator({ acceptedCredentials: () => Promise.reject(failure) });
    expect(await check.authenticate(basicHeaderValue(current), NO_DEADLINE)).toStrictEqual({
      allowed: false,
      reason: 'CredentialSourceUnavailable',
      error: failure,
    });
    await expect(check.prepare()).rejects.toBe(failure);
  });

  it("prepare() asks the source's own prepare when it has one (a failed init read has no effect on requests)", async () => {
    const asked: string[] = [];
    const check = createBasicCallerAuthenticator({
      acceptedCredentials: async () => {
        asked.push('acceptedCredentials');
        return [current];
      },
      prepare: async () => void asked.push('prepare'),
    });
    await check.prepare();
    expect(asked).toStrictEqual(['prepare']);
  });

  it('refuses as CredentialSourceUnavailable when what a mismatch needed cannot be read', async () => {
    const throttled = new Error('throttled');
    const check = createBasicCallerAuthenticator({
      acceptedCredentials: async () => [current],
      reloadAfterMismatch: () => Promise.reject(throttled),
    });
    expect(await check.authenticate(basicHeaderValue(rotated), NO_DEADLINE)).toStrictEqual({
      allowed: false,
      reason: 'CredentialSourceUnavailable',
      error: throttled,
    });
  });

  it('asks again while the source learns something, and stops as soon as the credential is accepted', async () => {
    const learned = [[current], [current, rotated], [current, rotated]];
    let reloads = 0;
    const check = createBasicCallerAuthenticator({
      acceptedCredentials: async () => [current],
      reloadAfterMismatch: async () => learned[reloads++],
    });
    expect(await check.authenticate(basicHeaderValue(rotated), NO_DEADLINE)).toStrictEqual({ allowed: true });
    expect(reloads).toBe(2);
  });

  it('asks at most three times, and not again once the source has nothing more to learn', async () => {
    let reloads = 0;
    const stranger = basicHeaderValue({ username: 'okta', password: 'guess' });
    const endless = createBasicCallerAuthenticator({
      acceptedCredentials: async () => [current],
      reloadAfterMismatch: async () => {
        reloads++;
        return [current];
      },
    });
    expect(await endless.authenticate(stranger, NO_DEADLINE)).toStrictEqual({ allowed: false, reason: 'Unauthorized' });
    expect(reloads).toBe(3);
    reloads = 0;
    const done = createBasicCallerAuthenticator({
      acceptedCredentials: async () => [current],
      reloadAfterMismatch: async () => {
        reloads++;
        return undefined;
      },
    });
    expect(await done.authenticate(stranger, NO_DEADLINE)).toStrictEqual({ allowed: false, reason: 'Unauthorized' });
    expect(reloads).toBe(1);
  });
});
