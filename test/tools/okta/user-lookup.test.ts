import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOktaApi, type OktaApi } from '../../../lambda/okta/management-api.ts';
import { findOktaUserByLogin, resolveLogins } from '../../../tools/okta/user-lookup.ts';
import { API_TOKEN, type FakeOkta, startFakeOkta } from '../../oauth/support/fake-okta.ts';

describe('looking logins up through Okta’s Users API (a local server with Okta’s wire format)', () => {
  let okta: FakeOkta;
  let waits: number[];
  let api: OktaApi;
  beforeEach(async () => {
    okta = await startFakeOkta();
    waits = [];
    api = createOktaApi({
      orgUrl: okta.orgUrl,
      authorization: `SSWS ${API_TOKEN}`,
      print: () => undefined,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
  });
  afterEach(() => okta.close());

  it('finds the user whose login it is, asking with the login URL-encoded', async () => {
    const user = okta.addUser({ login: 'Pat+Test@Example.com', id: '00uPatTest1234567890' });
    expect(await findOktaUserByLogin(api, 'pat+test@example.com')).toStrictEqual({ outcome: 'Found', oktaUserId: user.id });
    expect(okta.requests.map(({ method, path }) => `${method} ${path}`)).toStrictEqual(['GET /api/v1/users/pat%2Btest%40example.com']);
  });

  it('says NoSuchLogin for Okta’s 404 (E0000007)', async () => {
    expect(await findOktaUserByLogin(api, 'nobody@example.com')).toStrictEqual({ outcome: 'NoSuchLogin' });
  });

  it('never takes a user Okta matched by login shortname, or by a case-folded look-alike', async () => {
    okta.addUser({ login: 'kim.sato@example.com' });
    expect(await findOktaUserByLogin(api, 'kim.sato')).toStrictEqual({ outcome: 'OtherUsersLogin' });
    expect(await findOktaUserByLogin(api, '\u212aim.sato@example.com')).toStrictEqual({ outcome: 'OtherUsersLogin' });
    // Okta did answer 200 with kim's user both times: only the profile.login check refuses it.
    expect(okta.requests).toHaveLength(2);
  });

  it('does not ask about a login with a /, which Okta can only look up by id', async () => {
    expect(await findOktaUserByLogin(api, 'a/b@example.com')).toStrictEqual({ outcome: 'NotLookedUp' });
    expect(okta.requests).toHaveLength(0);
  });

  it('waits out a 429 until X-Rate-Limit-Reset, measured on Okta’s Date header, and asks again', async () => {
    const user = okta.addUser({ login: 'kim.sato@example.com' });
    okta.throttleUserLookups(1, 2);
    expect(await findOktaUserByLogin(api, 'kim.sato@example.com')).toStrictEqual({ outcome: 'Found', oktaUserId: user.id });
    expect(okta.requests).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(1500);
    expect(waits[0]).toBeLessThanOrEqual(2000);
  });

  it('gives up after three retries with Okta’s error code, and no login in the message', async () => {
    okta.addUser({ login: 'kim.sato@example.com' });
    okta.throttleUserLookups(10);
    const error = await findOktaUserByLogin(api, 'kim.sato@example.com').catch((caught: unknown) => caught);
    expect(okta.requests).toHaveLength(4);
    expect(String((error as Error).message)).toBe(
      'Okta answered 429 to GET /api/v1/users/{login}: E0000047\n  hint: Okta rate limit: wait a minute and run again',
    );
  });

  it('resolves many logins a few at a time, each once', async () => {
    for (let i = 0; i < 10; i++) okta.addUser({ login: `p${i}@example.com` });
    const resolved = await resolveLogins(
      api,
      ['p1@example.com', 'p1@example.com', ...Array.from({ length: 10 }, (_, i) => `p${i}@example.com`), 'x@example.com'],
      { concurrency: 3 },
    );
    expect(resolved.size).toBe(11);
    expect(okta.requests).toHaveLength(11);
    expect(resolved.get('x@example.com')).toStrictEqual({ outcome: 'NoSuchLogin' });
  });
});
