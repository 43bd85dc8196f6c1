import { describe, expect, it } from 'vitest';
import { parseHookRequest } from '../../lambda/core/hook-request.ts';
import { resolveUserKey } from '../../lambda/core/patient-record.ts';
import { buildTokenHookRequest, type TokenMint } from '../../demo/token-hook-request.ts';

const mint: TokenMint = {
  issuer: 'http://127.0.0.1:4000',
  source: 'http://127.0.0.1:4000/v1/token',
  grantType: 'authorization_code',
  client: { id: 'patient-profile-demo', name: 'Patient profile demo', confidential: true },
  redirectUri: 'http://127.0.0.1:8080/callback',
  scopes: ['openid', 'profile', 'email'],
  user: { id: '00uq8tMo3zV0OfJON0g3', login: 'jessie.smith@example.com', firstName: 'Jessie', lastName: 'Smith' },
  session: { id: 'session-1', authTime: 1_700_000_000 },
  nonce: 'n-1',
  audience: 'api://default',
  lifetimes: { id: 3600, access: 1800 },
  eventId: 'event-1',
  now: new Date('2023-11-14T22:13:30.000Z'),
  ipAddress: '127.0.0.1',
};

describe('buildTokenHookRequest', () => {
  it('builds the contract’s request for a code grant: event, user, protocol, both tokens as they would be minted', () => {
    const request = buildTokenHookRequest(mint);
    expect(request).toMatchObject({
      eventType: 'com.okta.oauth2.tokens.transform',
      eventTypeVersion: '1.0',
      cloudEventVersion: '0.1',
      contentType: 'application/json',
      eventId: 'event-1',
      eventTime: '2023-11-14T22:13:30.000Z',
      source: 'http://127.0.0.1:4000/v1/token',
    });
    expect(request.data.context.user).toStrictEqual({
      id: '00uq8tMo3zV0OfJON0g3',
      profile: { login: 'jessie.smith@example.com', firstName: 'Jessie', lastName: 'Smith', locale: 'en', timeZone: 'UTC' },
    });
    expect(request.data.context.protocol).toStrictEqual({
      type: 'OAUTH2.0',
      request: {
        client_id: 'patient-profile-demo',
        grant_type: 'authorization_code',
        redirect_uri: 'http://127.0.0.1:8080/callback',
        scope: 'openid profile email',
      },
      issuer: { uri: 'http://127.0.0.1:4000' },
      client: { id: 'patient-profile-demo', name: 'Patient profile demo', type: 'CONFIDENTIAL' },
    });
    expect(request.data.identity).toStrictEqual({
      claims: {
        sub: '00uq8tMo3zV0OfJON0g3',
        name: 'Jessie Smith',
        given_name: 'Jessie',
        family_name: 'Smith',
        email: 'jessie.smith@example.com',
        email_verified: true,
        ver: 1,
        iss: 'http://127.0.0.1:4000',
        aud: 'patient-profile-demo',
        iat: 1_700_000_010,
        exp: 1_700_003_610,
        jti: 'ID.event-1',
        amr: ['pwd'],
        nonce: 'n-1',
        preferred_username: 'jessie.smith@example.com',
        auth_time: 1_700_000_000,
      },
      token: { lifetime: { expiration: 3600 } },
    });
    expect(request.data.access.claims).toMatchObject({
      aud: 'api://default',
      cid: 'patient-profile-demo',
      uid: '00uq8tMo3zV0OfJON0g3',
      sub: 'jessie.smith@example.com',
      scp: ['openid', 'profile', 'email'],
      exp: 1_700_001_810,
    });
    expect(Object.keys(request.data.access.scopes)).toStrictEqual(['openid', 'profile', 'email']);
  });

  it('is a request the hook itself accepts and reads the user from, by login and by Okta id', () => {
    const parsed = parseHookRequest(JSON.stringify(buildTokenHookRequest(mint)));
    expect(resolveUserKey(parsed, 'login')).toMatchObject({ key: 'jessie.smith@example.com' });
    expect(resolveUserKey(parsed, 'oktaId')).toMatchObject({ key: '00uq8tMo3zV0OfJON0g3' });
  });

  it('sends no data.identity when no ID token is minted (no openid scope), and no profile claims without the profile scope', () => {
    expect(buildTokenHookRequest({ ...mint, scopes: ['email'] }).data.identity).toBeUndefined();
    const claims = buildTokenHookRequest({ ...mint, scopes: ['openid'] }).data.identity.claims;
    expect(claims).not.toHaveProperty('preferred_username');
    expect(claims).not.toHaveProperty('email');
  });
});
