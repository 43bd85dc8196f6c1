import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exampleFor, loadFixture } from '../support/fixtures.ts';
import { LOCAL_AUTHORIZATION, type LocalHook, sendToHook, startLocalHook } from '../support/local-hook.ts';
import { HOOK_AUDIENCE, HOOK_CLIENT_ID, HOOK_SCOPE, type LocalIssuer, startLocalIssuer, unsignedToken } from './support/local-issuer.ts';

const oauthEnvironment = (issuer: LocalIssuer, extra: Record<string, string> = {}) => ({
  HOOK_AUTH: 'oauth',
  OAUTH_ISSUER: issuer.issuer,
  OAUTH_AUDIENCE: HOOK_AUDIENCE,
  OAUTH_SCOPE: HOOK_SCOPE,
  OAUTH_CLIENT_ID: HOOK_CLIENT_ID,
  ...extra,
});
const bearer = (token: string) => `Bearer ${token}`;
const lastLine = (hook: LocalHook) => JSON.parse(hook.logs.at(-1) as string) as Record<string, unknown>;

describe('the hook in OAuth mode, over HTTP with a real local issuer', () => {
  let issuer: LocalIssuer;
  let hook: LocalHook;
  let basicHook: LocalHook;
  beforeAll(async () => {
    issuer = await startLocalIssuer();
    [hook, basicHook] = await Promise.all([startLocalHook({ env: oauthEnvironment(issuer) }), startLocalHook()]);
  });
  afterAll(async () => {
    await Promise.all([hook.close(), basicHook.close(), issuer.close()]);
  });

  describe('a valid access token', () => {
    it('is answered exactly as a valid Basic credential is', async () => {
      const request = loadFixture('okta-example-patient');
      const [viaToken, viaBasic] = await Promise.all([
        sendToHook(hook, request, { authorization: bearer(await issuer.sign()) }),
        sendToHook(basicHook, request, { authorization: LOCAL_AUTHORIZATION }),
      ]);
      expect(viaToken.status).toBe(200);
      expect(viaToken.json).toStrictEqual({
        commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: '1235' }] }],
      });
      expect(viaToken.text).toBe(viaBasic.text);
      expect(viaToken.headers.get('content-type')).toBe(viaBasic.headers.get('content-type'));
    });

    it('gets 204 for a user who is not a patient, as with Basic', async () => {
      const reply = await sendToHook(hook, loadFixture('okta-example'), { authorization: bearer(await issuer.sign()) });
      expect(reply.status).toBe(204);
    });

    it('may carry its scopes as a space-separated string', async () => {
      const token = await issuer.sign({ scp: `openid ${HOOK_SCOPE}` });
      const reply = await sendToHook(hook, exampleFor('kim.sato@example.com'), { authorization: bearer(token) });
      expect(reply.status).toBe(200);
    });

    it('may be a little past its expiry or before its nbf: 30 s of clock skew', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await issuer.sign({ exp: now - 10, nbf: now + 10 });
      const reply = await sendToHook(hook, loadFixture('okta-example-patient'), { authorization: bearer(token) });
      expect(reply.status).toBe(200);
    });

    it('is checked against a key set fetched once and kept', async () => {
      const before = issuer.keySetFetches();
      for (let i = 0; i < 3; i++) {
        await sendToHook(hook, loadFixture('okta-example'), { authorization: bearer(await issuer.sign()) });
      }
      expect(issuer.keySetFetches()).toBe(before);
      expect(before).toBe(1);
    });
  });

  describe('anything else: 401 with the Basic refusal body, before the body is read', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: Array<[string, () => Promise<string | null>, string]> = [
      ['no Authorization header', async () => null, 'NotABearerToken'],
      ['the Basic credential', async () => LOCAL_AUTHORIZATION, 'NotABearerToken'],
      ['an expired token', async () => bearer(await issuer.sign({ exp: now() - 120, iat: now() - 420 })), 'TokenExpired'],
      ['a token not valid yet', async () => bearer(await issuer.sign({ nbf: now() + 120 })), 'TokenNotYetValid'],
      [
        'a token from another issuer',
        async () => bearer(await issuer.sign({ iss: 'https://example.okta.com/oauth2/default' })),
        'IssuerMismatch',
      ],
      ['a token for another audience', async () => bearer(await issuer.sign({ aud: 'api://default' })), 'AudienceMismatch'],
      ['a token without the scope', async () => bearer(await issuer.sign({ scp: ['openid', 'profile'] })), 'ScopeMissing'],
      ['a token without scp', async () => bearer(await issuer.sign({}, { omit: ['scp'] })), 'ScopeMissing'],
      ['a token for another client', async () => bearer(await issuer.sign({ cid: '0oaotherclient' })), 'ClientMismatch'],
      ['a token without exp', async () => bearer(await issuer.sign({}, { omit: ['exp'] })), 'TokenWithoutExpiry'],
      [
        'a token signed by a key the issuer does not publish',
        async () => bearer(await issuer.sign({}, { key: await issuer.newKey() })),
        'KeyUnknown',
      ],
      [
        'a token with alg none',
        async () =>
          bearer(
            unsignedToken(
              { iss: issuer.issuer, aud: HOOK_AUDIENCE, scp: [HOOK_SCOPE], cid: HOOK_CLIENT_ID, exp: now() + 300 },
              issuer.keys[0]!.kid,
            ),
          ),
        'AlgorithmNotAllowed',
      ],
      [
        'a token signed HS256 with the public key as the secret',
        async () =>
          bearer(
            await new SignJWT({ iss: issuer.issuer, aud: HOOK_AUDIENCE, scp: [HOOK_SCOPE], cid: HOOK_CLIENT_ID, exp: now() + 300 })
              .setProtectedHeader({ alg: 'HS256', kid: issuer.keys[0]!.kid })
              .sign(new TextEncoder().encode(await issuer.publicKeyPem())),
          ),
        'AlgorithmNotAllowed',
      ],
      [
        'a valid token with its signature replaced',
        async () => {
          const [header, payload] = (await issuer.sign()).split('.');
          const forged = (await issuer.sign({ scp: ['admin'] })).split('.')[2];
          return bearer(`${header}.${payload}.${forged}`);
        },
        'SignatureInvalid',
      ],
      ['garbage', async () => bearer('garbage'), 'TokenMalformed'],
      ['three dots of garbage', async () => bearer('a.b.c'), 'TokenMalformed'],
      ['an empty Bearer value', async () => 'Bearer ', 'NotABearerToken'],
    ];

    it.each(cases)('%s', async (_name, authorization, detail) => {
      const header = await authorization();
      const reply = await sendToHook(hook, 'this is not even JSON', { authorization: header });
      expect(reply.status).toBe(401);
      expect(reply.json).toStrictEqual({ message: 'unauthorized' });
      expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="okta-token-hook"');
      expect(lastLine(hook)).toMatchObject({ reason: 'Unauthorized', detail });
      const token = header?.split(' ')[1];
      if (token && token.length > 20) expect(hook.logs.join('\n')).not.toContain(token.slice(0, 40));
    });

    it('gives a refused token the very body and headers of a refused Basic credential, bar the scheme', async () => {
      const viaToken = await sendToHook(hook, '{}', { authorization: bearer(await issuer.sign({ aud: 'api://default' })) });
      const viaBasic = await sendToHook(basicHook, '{}', { authorization: 'Basic d3Jvbmc6d3Jvbmc=' });
      expect(viaToken.text).toBe(viaBasic.text);
      expect(viaToken.headers.get('content-type')).toBe(viaBasic.headers.get('content-type'));
    });

    it('still answers 413 to an oversized body before looking at the token', async () => {
      const reply = await sendToHook(hook, 'x'.repeat(300 * 1024), { authorization: bearer('garbage') });
      expect(reply.status).toBe(413);
    });
  });

  describe('the issuer that fires the hook', () => {
    it('is warned about once when it is the issuer of the hook tokens, with no URL or user in the line', async () => {
      const request = loadFixture('okta-example-patient');
      request.data.context.protocol.issuer.uri = `${issuer.issuer}/`;
      const before = hook.logs.length;
      for (let i = 0; i < 2; i++) {
        const reply = await sendToHook(hook, request, { authorization: bearer(await issuer.sign()) });
        expect(reply.status).toBe(200);
      }
      const warnings = hook.logs.slice(before).filter((line) => line.includes('"WARN"'));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0] as string).message).toBe('OAUTH_ISSUER is the authorization server that fires this hook');
      expect(warnings[0]).not.toContain('127.0.0.1');
    });
  });
});

describe('keys rotated at the issuer', () => {
  let issuer: LocalIssuer;
  let hook: LocalHook;
  beforeAll(async () => {
    issuer = await startLocalIssuer();
    hook = await startLocalHook({ env: oauthEnvironment(issuer) });
  });
  afterAll(async () => {
    await Promise.all([hook.close(), issuer.close()]);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refetches the key set for a new kid at most once a minute, then accepts the new key', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const patient = loadFixture('okta-example-patient');
    expect((await sendToHook(hook, patient, { authorization: bearer(await issuer.sign()) })).status).toBe(200);
    expect(issuer.keySetFetches()).toBe(1);

    const next = await issuer.newKey();
    issuer.publish(next);
    // Within the minute after the last fetch, a new kid does not make the hook fetch again.
    for (let i = 0; i < 5; i++) {
      vi.setSystemTime(start + i * 10_000);
      const reply = await sendToHook(hook, patient, { authorization: bearer(await issuer.sign({}, { key: next })) });
      expect(reply.status).toBe(401);
      expect(lastLine(hook)).toMatchObject({ detail: 'KeyUnknown' });
    }
    expect(issuer.keySetFetches()).toBe(1);

    vi.setSystemTime(start + 61_000);
    const rotated = await sendToHook(hook, patient, { authorization: bearer(await issuer.sign({}, { key: next })) });
    expect(rotated.status).toBe(200);
    expect(issuer.keySetFetches()).toBe(2);
    // The old key is still published, so tokens minted before the rotation keep working.
    expect((await sendToHook(hook, patient, { authorization: bearer(await issuer.sign()) })).status).toBe(200);

    // Tokens with kids nobody publishes cannot drive fetches either.
    const unpublished = await issuer.newKey();
    for (let i = 0; i < 5; i++) {
      await sendToHook(hook, patient, { authorization: bearer(await issuer.sign({}, { key: unpublished })) });
    }
    expect(issuer.keySetFetches()).toBe(2);
  });
});
