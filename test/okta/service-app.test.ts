import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOktaApi } from '../../lambda/okta/management-api.ts';
import { createOktaAuthorizer, INLINE_HOOKS_SCOPE, parseOktaServiceCredential } from '../../lambda/okta/service-app.ts';
import { treatAsSecret } from '../support/captured-output.ts';
import { type FakeOkta, startFakeOkta } from '../oauth/support/fake-okta.ts';

const CLIENT_ID = '0oaServiceAppTest001';
let okta: FakeOkta;
let privateKeyJwk: JWK;
let publicJwk: JWK;

beforeAll(async () => {
  okta = await startFakeOkta();
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  privateKeyJwk = { ...(await exportJWK(privateKey)), kid: 'k1' };
  publicJwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  treatAsSecret(privateKeyJwk.d as string);
});
afterAll(() => okta.close());

const api = (credential: ReturnType<typeof parseOktaServiceCredential>) =>
  createOktaApi({ orgUrl: okta.orgUrl, authorization: createOktaAuthorizer(credential, { orgUrl: okta.orgUrl }), print: () => undefined });

describe('the Okta credential secret', () => {
  it('reads a service app key or an API token', () => {
    expect(parseOktaServiceCredential(JSON.stringify({ clientId: CLIENT_ID, privateKeyJwk }))).toStrictEqual({
      kind: 'privateKeyJwt',
      clientId: CLIENT_ID,
      privateKeyJwk,
    });
    expect(parseOktaServiceCredential('{"apiToken": "00abc"}', 'apiToken')).toStrictEqual({ kind: 'apiToken', apiToken: '00abc' });
  });

  it.each([
    [undefined, /has no value yet: fill it/],
    ['', /has no value yet/],
    ['00token-not-json', /^the Okta credential secret is not JSON$/],
    [JSON.stringify({ clientId: CLIENT_ID, privateKeyJwk: { kty: 'RSA', n: 'public-only' } }), /must be \{"clientId"/],
    [JSON.stringify({ apiTokn: '00secret-value' }), /must be \{"clientId"/],
  ])('refuses %j without quoting it', (value, message) => {
    expect(() => parseOktaServiceCredential(value)).toThrow(message);
    try {
      parseOktaServiceCredential(value);
    } catch (error) {
      expect((error as Error).message).not.toMatch(/secret-value|token-not-json|public-only/);
    }
  });

  it('refuses a credential of the other kind than oktaAuth says', () => {
    expect(() => parseOktaServiceCredential('{"apiToken": "00abc"}', 'privateKeyJwt')).toThrow(
      'holds an API token, but oktaAuth is privateKeyJwt',
    );
  });
});

describe('a service app at the org authorization server', () => {
  it('gets one access token for many calls and sends it as Bearer', async () => {
    okta.addServiceApp({ clientId: CLIENT_ID, publicJwk, scopes: [INLINE_HOOKS_SCOPE] });
    const before = okta.requests.length;
    const client = api(parseOktaServiceCredential(JSON.stringify({ clientId: CLIENT_ID, privateKeyJwk })));
    await client.get('/api/v1/inlineHooks');
    await client.get('/api/v1/inlineHooks');
    const made = okta.requests.slice(before);
    expect(made.map((request) => request.path)).toStrictEqual(['/oauth2/v1/token', '/api/v1/inlineHooks', '/api/v1/inlineHooks']);
    expect(made[1]?.authorization).toMatch(/^Bearer /);
  });

  it("says what Okta refused and what to check, in Okta's own words and never the key or the assertion", async () => {
    okta.addServiceApp({ clientId: CLIENT_ID, publicJwk, scopes: ['okta.users.read'] });
    const client = api(parseOktaServiceCredential(JSON.stringify({ clientId: CLIENT_ID, privateKeyJwk })));
    const failure = await client.get('/api/v1/inlineHooks').catch((error: unknown) => error as Error);
    expect(failure).toMatchObject({ name: 'OktaTokenError', status: 400, error: 'invalid_scope' });
    expect((failure as Error).message).toContain(`grant the app the ${INLINE_HOOKS_SCOPE} scope`);
    expect((failure as Error).message).not.toContain(privateKeyJwk.d as string);
    expect((failure as Error).message).not.toMatch(/eyJ/);
  });
});
