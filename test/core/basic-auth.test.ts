import { describe, expect, it } from 'vitest';
import { basicHeaderValue, decodeBasicHeader, verifyBasicAuth } from '../../lambda/core/basic-auth.ts';

const admin = { username: 'admin', password: 'supersecret' };

describe('verifyBasicAuth', () => {
  it('accepts the Basic header Okta sends for the configured credential', () => {
    expect(verifyBasicAuth('Basic YWRtaW46c3VwZXJzZWNyZXQ=', [admin])).toBe(true);
  });

  it('accepts any case of the scheme and extra spaces around the token', () => {
    expect(verifyBasicAuth('BASIC   YWRtaW46c3VwZXJzZWNyZXQ= ', [admin])).toBe(true);
  });

  it('accepts either of several credentials, as during a rotation', () => {
    const next = { username: 'admin', password: 'n3w' };
    expect(verifyBasicAuth(basicHeaderValue(next), [admin, next])).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['a wrong password', basicHeaderValue({ username: 'admin', password: 'supersecreT' })],
    ['a wrong username', basicHeaderValue({ username: 'Admin', password: 'supersecret' })],
    ['a password with a suffix', basicHeaderValue({ username: 'admin', password: 'supersecret2' })],
    ['another scheme', 'Bearer YWRtaW46c3VwZXJzZWNyZXQ='],
    ['no token', 'Basic'],
    ['characters outside base64', 'Basic YWRtaW46c3VwZXJzZWNyZXQ=!'],
    ['two tokens', 'Basic YWRtaW46c3VwZXJzZWNyZXQ= YWRtaW46c3VwZXJzZWNyZXQ='],
    ['an overlong header', `Basic ${'A'.repeat(5000)}`],
  ])('refuses %s', (_name, header) => {
    expect(verifyBasicAuth(header, [admin])).toBe(false);
  });

  it('refuses everything when no credential is accepted', () => {
    expect(verifyBasicAuth(basicHeaderValue(admin), [])).toBe(false);
  });
});

describe('decodeBasicHeader', () => {
  it('splits at the first colon, so a password may contain colons', () => {
    expect(decodeBasicHeader(basicHeaderValue({ username: 'u', password: 'a:b:c' }))).toStrictEqual({ username: 'u', password: 'a:b:c' });
  });

  it('decodes UTF-8 credentials', () => {
    expect(decodeBasicHeader(basicHeaderValue({ username: 'zoë', password: 'pässword' }))).toStrictEqual({
      username: 'zoë',
      password: 'pässword',
    });
  });

  it('gives nothing for a token without a colon', () => {
    expect(decodeBasicHeader(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeUndefined();
  });
});
