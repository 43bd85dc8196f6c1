import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadFixture } from '../support/fixtures.ts';
import { type LocalHook, sendToHook, startLocalHook } from '../support/local-hook.ts';
import { HOOK_AUDIENCE, HOOK_CLIENT_ID, HOOK_SCOPE, type LocalIssuer, startLocalIssuer } from './support/local-issuer.ts';

const oauthEnvironment = (issuer: LocalIssuer) => ({
  HOOK_AUTH: 'oauth',
  OAUTH_ISSUER: issuer.issuer,
  OAUTH_AUDIENCE: HOOK_AUDIENCE,
  OAUTH_SCOPE: HOOK_SCOPE,
  OAUTH_CLIENT_ID: HOOK_CLIENT_ID,
});
const bearer = (token: string) => `Bearer ${token}`;
const lastLine = (hook: LocalHook) => JSON.parse(hook.logs.at(-1) as string) as Record<string, unknown>;
const MINUTE = 60_000;

describe('the hook in OAuth mode while the key set endpoint is down, over HTTP', () => {
  // A hook each: the key set's ages run on the faked clock, which each test starts afresh.
  let issuer: LocalIssuer;
  let hook: LocalHook;
  beforeEach(async () => {
    issuer = await startLocalIssuer();
    hook = await startLocalHook({ env: oauthEnvironment(issuer) });
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all([hook.close(), issuer.close()]);
  });

  it('keeps accepting valid tokens with the cached key set once it is older than an hour', async () => {
    const start = Date.now();
    const patient = loadFixture('okta-example-patient');
    expect((await sendToHook(hook, patient, { authorization: bearer(await issuer.sign()) })).status).toBe(200);
    expect(issuer.keySetFetches()).toBe(1);

    issuer.failKeySet(503);
    for (const minutes of [61, 62, 90, 180]) {
      vi.setSystemTime(start + minutes * MINUTE);
      const reply = await sendToHook(hook, patient, { authorization: bearer(await issuer.sign()) });
      expect(reply.status).toBe(200);
      expect(lastLine(hook)).toMatchObject({ reason: 'ClaimAdded' });
    }
    // It did try again in the background, and no request waited for it.
    expect(issuer.keySetFetches()).toBeGreaterThan(1);
  });

  it('refuses a token signed by a newly published key while the endpoint is down, and accepts it once it is back', async () => {
    const start = Date.now();
    const patient = loadFixture('okta-example-patient');
    expect((await sendToHook(hook, patient, { authorization: bearer(await issuer.sign()) })).status).toBe(200);
    const next = await issuer.newKey();
    issuer.publish(next);
    issuer.failKeySet(503);

    vi.setSystemTime(start + 5 * MINUTE);
    const refused = await sendToHook(hook, patient, { authorization: bearer(await issuer.sign({}, { key: next })) });
    expect(refused.status).toBe(401);
    expect(refused.json).toStrictEqual({ message: 'unauthorized' });
    expect(lastLine(hook)).toMatchObject({
      level: 'ERROR',
      reason: 'CredentialSourceUnavailable',
      detail: 'KeySetUnavailable',
      status: 401,
    });
    // Tokens signed by the key it holds are still accepted meanwhile.
    expect((await sendToHook(hook, patient, { authorization: bearer(await issuer.sign()) })).status).toBe(200);

    issuer.failKeySet(undefined);
    vi.setSystemTime(start + 7 * MINUTE);
    const accepted = await sendToHook(hook, patient, { authorization: bearer(await issuer.sign({}, { key: next })) });
    expect(accepted.status).toBe(200);
  });
});

/** A local issuer and an OAuth-mode hook for the describe block that calls this, started before its tests. */
function issuerAndHookForThisBlock(): { issuer: LocalIssuer; hook: LocalHook } {
  const running = {} as { issuer: LocalIssuer; hook: LocalHook };
  beforeAll(async () => {
    running.issuer = await startLocalIssuer();
    running.hook = await startLocalHook({ env: oauthEnvironment(running.issuer) });
  });
  afterAll(async () => {
    await Promise.all([running.hook.close(), running.issuer.close()]);
  });
  return running;
}

describe('GET /health in OAuth mode', () => {
  const running = issuerAndHookForThisBlock();
  const health = () => sendToHook(running.hook, undefined, { path: '/health', method: 'GET', authorization: null });

  it('answers 503 while no key set is held or can be fetched (a token could not be checked), 200 once one is, and keeps 200 on the held set', async () => {
    running.issuer.failKeySet(503);
    const down = await health();
    expect([down.status, down.json]).toStrictEqual([503, { status: 'unavailable' }]);
    expect(lastLine(running.hook)).toMatchObject({ reason: 'HealthCheckFailed' });

    running.issuer.failKeySet(undefined);
    // The failed fetch backs off; the health check waits for nothing past it and says so until then.
    await vi.waitFor(async () => expect((await health()).status).toBe(200), { timeout: 20_000, interval: 250 });
    const fetches = running.issuer.keySetFetches();
    running.issuer.failKeySet(503);
    expect((await health()).status, 'the held key set checks tokens').toBe(200);
    expect(running.issuer.keySetFetches(), 'no fetch while the set is fresh').toBe(fetches);
  });
});

describe('a slow first key set fetch, over HTTP', () => {
  const running = issuerAndHookForThisBlock();

  it('answers at the fetch timeout when the key set takes 900 ms, and the fetch goes on for the next request', async () => {
    running.issuer.delayKeySet(900);
    const patient = loadFixture('okta-example-patient');
    // KeySetTimeout: the answer came from the fetch's own bound, inside the request's 1 s, not from the key set.
    const first = await sendToHook(running.hook, patient, { authorization: bearer(await running.issuer.sign()) });
    expect(first.status).toBe(401);
    expect(lastLine(running.hook)).toMatchObject({
      level: 'ERROR',
      reason: 'CredentialSourceUnavailable',
      detail: 'KeySetTimeout',
      status: 401,
    });

    // The fetch the first request gave up on was not cancelled: the next request finds the key set.
    running.issuer.delayKeySet(0);
    const second = await sendToHook(running.hook, patient, { authorization: bearer(await running.issuer.sign()) });
    expect(second.status).toBe(200);
    expect(running.issuer.keySetFetches()).toBe(1);
  });
});
