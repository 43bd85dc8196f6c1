import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_DEADLINE } from '../support/no-deadline.ts';
import { createBearerCallerAuthenticator, DEFAULT_BEARER_TIMINGS } from '../../lambda/auth/bearer-caller.ts';
import type { OAuthSettings } from '../../lambda/config.ts';
import { HOOK_AUDIENCE, HOOK_SCOPE, type LocalIssuer, startLocalIssuer } from './support/local-issuer.ts';

describe('the bearer check when the key set is out of reach', () => {
  let issuer: LocalIssuer;
  let settings: OAuthSettings;
  beforeAll(async () => {
    issuer = await startLocalIssuer();
    settings = { issuer: issuer.issuer, audience: HOOK_AUDIENCE, scope: HOOK_SCOPE };
  });
  afterAll(() => issuer.close());

  it('waits at most the fetch timeout, well under Okta 3 s, then refuses as CredentialSourceUnavailable', async () => {
    expect(DEFAULT_BEARER_TIMINGS.keySetTimeoutMs).toBeLessThanOrEqual(1000);
    const check = createBearerCallerAuthenticator(settings, { ...DEFAULT_BEARER_TIMINGS, keySetTimeoutMs: 150 });
    issuer.delayKeySet(2000);
    const verdict = await check.authenticate(`Bearer ${await issuer.sign()}`, NO_DEADLINE);
    issuer.delayKeySet(0);
    // KeySetTimeout: it stopped at its 150 ms timeout rather than waiting out the 2 s fetch.
    expect(verdict).toMatchObject({ allowed: false, reason: 'CredentialSourceUnavailable', detail: 'KeySetTimeout' });
  });

  it('does not keep a failed fetch: once the backoff is over, the next request fetches again and succeeds', async () => {
    let now = 0;
    const check = createBearerCallerAuthenticator(settings, DEFAULT_BEARER_TIMINGS, () => now);
    issuer.failKeySet(503);
    const failed = await check.authenticate(`Bearer ${await issuer.sign()}`, NO_DEADLINE);
    expect(failed).toMatchObject({ allowed: false, reason: 'CredentialSourceUnavailable', detail: 'KeySetUnavailable' });
    issuer.failKeySet(undefined);
    const before = issuer.keySetFetches();
    // Within the backoff, a request does not try again.
    now = DEFAULT_BEARER_TIMINGS.keySetBackoffMs - 1;
    expect(await check.authenticate(`Bearer ${await issuer.sign()}`, NO_DEADLINE)).toMatchObject({ detail: 'KeySetUnavailable' });
    expect(issuer.keySetFetches()).toBe(before);
    now = DEFAULT_BEARER_TIMINGS.keySetBackoffMs;
    expect(await check.authenticate(`Bearer ${await issuer.sign()}`, NO_DEADLINE)).toStrictEqual({ allowed: true });
    expect(issuer.keySetFetches()).toBe(before + 1);
  });

  it('never fetches the key set for a token it refuses on its header alone', async () => {
    const check = createBearerCallerAuthenticator(settings);
    const before = issuer.keySetFetches();
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    expect(await check.authenticate(`Bearer ${none}`, NO_DEADLINE)).toMatchObject({ allowed: false, reason: 'Unauthorized' });
    expect(await check.authenticate('Bearer not-a-jwt', NO_DEADLINE)).toMatchObject({ allowed: false, reason: 'Unauthorized' });
    expect(issuer.keySetFetches()).toBe(before);
  });
});
