import { describe, expect, it } from 'vitest';
import { DEFAULT_HOOK_ERROR, decideMint, type HookAnswer } from '../../demo/mint-decision.ts';
import { buildTokenHookRequest, type TokenMint } from '../../demo/token-hook-request.ts';

const mint: TokenMint = {
  issuer: 'http://127.0.0.1:4000',
  source: 'http://127.0.0.1:4000/v1/token',
  grantType: 'authorization_code',
  client: { id: 'demo', name: 'Demo', confidential: true },
  scopes: ['openid', 'profile'],
  user: { id: '00uq8tMo3zV0OfJON0g3', login: 'jessie.smith@example.com', firstName: 'Jessie', lastName: 'Smith' },
  session: { id: 's', authTime: 1_700_000_000 },
  nonce: 'n',
  audience: 'api://default',
  lifetimes: { id: 3600, access: 3600 },
  eventId: 'e',
  now: new Date('2023-11-14T22:13:30.000Z'),
  ipAddress: '127.0.0.1',
};
const request = buildTokenHookRequest(mint);
const answered = (status: number, body: unknown): HookAnswer => ({
  kind: 'answered',
  status,
  body: body === undefined ? '' : JSON.stringify(body),
  elapsedMs: 20,
});
const patch = (type: string, path: string, value: unknown) => ({ commands: [{ type, value: [{ op: 'add', path, value }] }] });
const USER_CLAIMS = { name: 'Jessie Smith', given_name: 'Jessie', family_name: 'Smith', preferred_username: 'jessie.smith@example.com' };

describe('decideMint', () => {
  it('adds the claim the hook patched into the ID token, leaving out the claims the provider sets itself', () => {
    const decision = decideMint(request, answered(200, patch('com.okta.identity.patch', '/claims/extPatientId', '1235')));
    expect(decision).toStrictEqual({
      verdict: 'applied',
      reasons: ['add /claims/extPatientId in the ID token'],
      idTokenClaims: { ...USER_CLAIMS, extPatientId: '1235' },
      accessTokenExtra: {},
      lifetimes: { id: 3600, access: 3600 },
    });
  });

  it('gives extraTokenClaims only what the hook added to the access token', () => {
    const decision = decideMint(request, answered(200, patch('com.okta.access.patch', '/claims/extPatientId', '1235')));
    expect(decision.accessTokenExtra).toStrictEqual({ extPatientId: '1235' });
    expect(decision.idTokenClaims).toStrictEqual(USER_CLAIMS);
  });

  it('mints unchanged on 204', () => {
    expect(decideMint(request, answered(204, undefined))).toMatchObject({
      verdict: 'unchanged',
      idTokenClaims: USER_CLAIMS,
      accessTokenExtra: {},
    });
  });

  it('drops the whole patch for a reserved claim, for a token not being minted, and on an error status', () => {
    const reserved = {
      commands: [
        {
          type: 'com.okta.identity.patch',
          value: [
            { op: 'add', path: '/claims/extPatientId', value: '1' },
            { op: 'replace', path: '/claims/sub', value: 'x' },
          ],
        },
      ],
    };
    expect(decideMint(request, answered(200, reserved))).toMatchObject({ verdict: 'dropped', idTokenClaims: USER_CLAIMS });
    const noIdToken = buildTokenHookRequest({ ...mint, scopes: ['email'] });
    const forIdToken = decideMint(noIdToken, answered(200, patch('com.okta.identity.patch', '/claims/extPatientId', '1')));
    expect(forIdToken.verdict).toBe('dropped');
    expect(forIdToken.reasons[0]).toContain('not minting');
    expect(decideMint(request, answered(500, { message: 'boom' }))).toMatchObject({ verdict: 'dropped', idTokenClaims: USER_CLAIMS });
  });

  it('fails the sign-in with the errorSummary, or Okta’s default text without one', () => {
    expect(decideMint(request, answered(200, { error: { errorSummary: 'Records are down' } }))).toMatchObject({
      verdict: 'sign-in-fails',
      signInError: 'Records are down',
    });
    expect(decideMint(request, answered(200, { error: {} })).signInError).toBe(DEFAULT_HOOK_ERROR);
  });

  it('mints unchanged when the hook does not answer within 3 s, and says so', () => {
    const decision = decideMint(request, {
      kind: 'no-answer',
      reason: 'no answer from http://127.0.0.1:1/tokenHook within 3 s',
      elapsedMs: 3000,
    });
    expect(decision).toMatchObject({ verdict: 'dropped', idTokenClaims: USER_CLAIMS, accessTokenExtra: {} });
    expect(decision.reasons[0]).toContain('within 3 s');
  });

  it('applies a lifetime the hook replaced', () => {
    const lifetime = {
      commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'replace', path: '/token/lifetime/expiration', value: 600 }] }],
    };
    expect(decideMint(request, answered(200, lifetime)).lifetimes).toStrictEqual({ id: 600, access: 3600 });
  });
});
