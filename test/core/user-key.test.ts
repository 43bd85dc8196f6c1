import { describe, expect, it } from 'vitest';
import type { HookRequest } from '../../lambda/core/hook-request.ts';
import { resolveUserKey } from '../../lambda/core/user-key.ts';

const request = (data: HookRequest['data']): HookRequest => ({ eventType: 'com.okta.oauth2.tokens.transform', data });

describe('resolveUserKey', () => {
  it('prefers the Okta login from the request context', () => {
    const key = resolveUserKey(
      request({
        context: { user: { profile: { login: 'Login@Example.com' } } },
        identity: { claims: { preferred_username: 'preferred@example.com' } },
        access: { claims: { sub: 'sub@example.com' } },
      }),
    );
    expect(key).toBe('login@example.com');
  });

  it('falls back to the ID token preferred_username', () => {
    expect(resolveUserKey(request({ identity: { claims: { preferred_username: ' Pref@Example.COM ' } } }))).toBe('pref@example.com');
  });

  it('falls back to the access token sub of a user token', () => {
    expect(resolveUserKey(request({ access: { claims: { sub: 'SUB@example.com', uid: '00u1' } } }))).toBe('sub@example.com');
  });

  it('never takes the sub of a token without a user id, which is a client id in client credentials', () => {
    expect(resolveUserKey(request({ access: { claims: { sub: '0oaServiceClient123', cid: '0oaServiceClient123' } } }))).toBeUndefined();
  });

  it('skips blank and absurdly long values', () => {
    const key = resolveUserKey(
      request({
        context: { user: { profile: { login: '   ' } } },
        identity: { claims: { preferred_username: `${'a'.repeat(300)}@example.com` } },
        access: { claims: { sub: 'kim@example.com', uid: '00u2' } },
      }),
    );
    expect(key).toBe('kim@example.com');
  });

  it('gives nothing when no source has a user', () => {
    expect(resolveUserKey(request({ context: {} }))).toBeUndefined();
  });
});
