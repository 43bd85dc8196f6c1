import { describe, expect, it } from 'vitest';
import type { HookRequest } from '../../lambda/core/hook-request.ts';
import { canonicalUserKey, HEALTH_CHECK_KEY, resolveUserKey, userKeyProblem } from '../../lambda/core/patient-record.ts';
import { LOOK_ALIKE_LOGINS } from '../support/look-alike-logins.ts';

const request = (data: HookRequest['data']): HookRequest => ({ eventType: 'com.okta.oauth2.tokens.transform', data });
const byLogin = (login: string) => request({ context: { user: { id: '00uKim', profile: { login } } } });

describe('resolveUserKey by login', () => {
  it('prefers the Okta login from the request context, lower-cased in ASCII', () => {
    const resolution = resolveUserKey(
      request({
        context: { user: { profile: { login: 'Login@Example.com' } } },
        identity: { claims: { preferred_username: 'preferred@example.com' } },
        access: { claims: { sub: 'sub@example.com' } },
      }),
      'login',
    );
    expect(resolution).toStrictEqual({ key: 'login@example.com' });
  });

  it('falls back to the ID token preferred_username', () => {
    expect(resolveUserKey(request({ identity: { claims: { preferred_username: 'Pref@Example.COM' } } }), 'login')).toStrictEqual({
      key: 'pref@example.com',
    });
  });

  it('falls back to the access token sub of a user token', () => {
    expect(resolveUserKey(request({ access: { claims: { sub: 'SUB@example.com', uid: '00u1' } } }), 'login')).toStrictEqual({
      key: 'sub@example.com',
    });
  });

  it('never takes the sub of a token without a user id, which is a client id in client credentials', () => {
    const clientCredentials = request({ access: { claims: { sub: '0oaServiceClient123', cid: '0oaServiceClient123' } } });
    expect(resolveUserKey(clientCredentials, 'login')).toStrictEqual({ problem: 'NoUserKey' });
  });

  it('gives NoUserKey when no source has a user, and skips empty values', () => {
    expect(resolveUserKey(request({ context: {} }), 'login')).toStrictEqual({ problem: 'NoUserKey' });
    expect(
      resolveUserKey(
        request({ context: { user: { profile: { login: '' } } }, identity: { claims: { preferred_username: 'kim@example.com' } } }),
        'login',
      ),
    ).toStrictEqual({
      key: 'kim@example.com',
    });
  });

  it('lets an invalid first value decide rather than passing over it to the next', () => {
    const resolution = resolveUserKey(
      request({
        context: { user: { profile: { login: ' kim.sato@example.com' } } },
        identity: { claims: { preferred_username: 'kim.sato@example.com' } },
      }),
      'login',
    );
    expect(resolution).toStrictEqual({ problem: 'InvalidUserKey', detail: 'SurroundingWhiteSpace' });
  });

  it.each(LOOK_ALIKE_LOGINS)('never maps a look-alike (%s) onto kim.sato@example.com', (_name, login) => {
    const resolution = resolveUserKey(byLogin(login), 'login');
    expect(resolution).not.toStrictEqual({ key: 'kim.sato@example.com' });
    if ('key' in resolution) expect(resolution.key).toBe(login);
  });

  it('folds nothing outside ASCII A–Z', () => {
    expect(canonicalUserKey('ÉLODIE@Example.com', 'login')).toBe('Élodie@example.com');
    expect(canonicalUserKey('\u212a@example.com', 'login')).toBe('\u212a@example.com');
    expect(canonicalUserKey('ẞ@EXAMPLE.COM', 'login')).toBe('ẞ@example.com');
  });
});

describe('resolveUserKey by Okta user id', () => {
  it('takes the context user id exactly as sent, ignoring the login', () => {
    const resolution = resolveUserKey(
      request({ context: { user: { id: '00uAbC123', profile: { login: 'kim.sato@example.com' } } } }),
      'oktaId',
    );
    expect(resolution).toStrictEqual({ key: '00uAbC123' });
  });

  it("falls back to the access token's uid, never its sub", () => {
    expect(resolveUserKey(request({ access: { claims: { sub: 'kim.sato@example.com', uid: '00uXyZ' } } }), 'oktaId')).toStrictEqual({
      key: '00uXyZ',
    });
    expect(resolveUserKey(request({ access: { claims: { sub: '0oaClient', cid: '0oaClient' } } }), 'oktaId')).toStrictEqual({
      problem: 'NoUserKey',
    });
  });

  it('refuses an id with white space or control characters', () => {
    expect(resolveUserKey(request({ context: { user: { id: '00uAbC123 ' } } }), 'oktaId')).toMatchObject({ problem: 'InvalidUserKey' });
  });
});

describe('userKeyProblem', () => {
  it.each([
    ['a control character', 'kim\u0000@example.com', 'ControlCharacter'],
    ['DEL', 'kim\u007f@example.com', 'ControlCharacter'],
    ['a C1 control', 'kim\u0085@example.com', 'ControlCharacter'],
    ['leading space', ' kim@example.com', 'SurroundingWhiteSpace'],
    ['trailing NBSP', 'kim@example.com\u00a0', 'SurroundingWhiteSpace'],
    ['over 256 characters', `${'k'.repeat(250)}@example.com`, 'TooLong'],
    ['a lone surrogate', 'kim\ud800@example.com', 'MalformedUnicode'],
  ])('finds %s', (_name, value, problem) => {
    expect(userKeyProblem(value)).toBe(problem);
    expect(canonicalUserKey(value, 'login')).toBeUndefined();
  });

  it("finds a control character exactly where Unicode's Cc category has one, in every plane", () => {
    const codePoints = [...Array.from({ length: 0xd800 }, (_, i) => i), ...Array.from({ length: 0x2000 }, (_, i) => 0xe000 + i)];
    codePoints.push(0x1_0000, 0x1_f600, 0xe_0001, 0x10_ffff);
    const foundIn = codePoints.filter((codePoint) => userKeyProblem(`k${String.fromCodePoint(codePoint)}k`) === 'ControlCharacter');
    expect(foundIn).toStrictEqual(codePoints.filter((codePoint) => /\p{Cc}/u.test(String.fromCodePoint(codePoint))));
    expect(foundIn).toHaveLength(65);
  });

  it('accepts exactly 256 characters and inner spaces', () => {
    expect(userKeyProblem('k'.repeat(256))).toBeUndefined();
    expect(userKeyProblem('kim sato@example.com')).toBeUndefined();
  });

  it("finds the health check's key to be no user's key, so no sign-in or tool reaches its row", () => {
    expect(userKeyProblem(HEALTH_CHECK_KEY)).toBe('SurroundingWhiteSpace');
    expect(canonicalUserKey(HEALTH_CHECK_KEY, 'login')).toBeUndefined();
    expect(canonicalUserKey(HEALTH_CHECK_KEY, 'oktaId')).toBeUndefined();
  });
});
