import { describe, expect, it } from 'vitest';
import { buildHookRequest, REQUEST_SHAPES, requestHasUser, withUser, withUserId } from '../../../tools/okta/request-shapes.ts';
import { loadFixture } from '../../support/fixtures.ts';

describe('request shapes', () => {
  it('are the test fixtures themselves, not copies', () => {
    expect(buildHookRequest('example')).toStrictEqual(loadFixture('okta-example-patient'));
    expect(buildHookRequest('preview')).toStrictEqual(loadFixture('preview-without-identity'));
    expect(buildHookRequest('preview-edited')).toStrictEqual(loadFixture('preview-edited-identity'));
    expect(buildHookRequest('refresh')).toStrictEqual(loadFixture('refresh-grant'));
    expect(buildHookRequest('client-credentials')).toStrictEqual(loadFixture('client-credentials'));
  });

  it('change every place Okta puts the login when sent for another user', () => {
    const request = buildHookRequest('example', 'ana@example.com');
    expect(request.data.context.user.profile.login).toBe('ana@example.com');
    expect(request.data.context.session.login).toBe('ana@example.com');
    expect(request.data.identity.claims).toMatchObject({ preferred_username: 'ana@example.com', email: 'ana@example.com' });
    expect(request.data.access.claims).toMatchObject({ sub: 'ana@example.com', preferred_username: 'ana@example.com' });
  });

  it('change the Okta user id only where the request has one: user, session, access token uid, ID token sub', () => {
    const example = withUserId(buildHookRequest('example'), '00uAnaExample0000001');
    expect(example.data.context.user.id).toBe('00uAnaExample0000001');
    expect(example.data.context.session.userId).toBe('00uAnaExample0000001');
    expect(example.data.access.claims.uid).toBe('00uAnaExample0000001');
    expect(example.data.identity.claims.sub).toBe('00uAnaExample0000001');
    const edited = withUserId(buildHookRequest('preview-edited'), '00uAnaExample0000001');
    expect(edited.data.access.claims.uid).toBe('00uAnaExample0000001');
    expect(edited.data.context.session.userId).toBe('00uAnaExample0000001');
    expect(edited.data.context.user).toBeUndefined();
    expect(edited.data.identity.claims).toStrictEqual(buildHookRequest('preview-edited').data.identity.claims);
    expect(withUserId(buildHookRequest('client-credentials'), '00uAnaExample0000001')).toStrictEqual(
      buildHookRequest('client-credentials'),
    );
  });

  it('leave a client-credentials subject alone: it is the client', () => {
    const request = buildHookRequest('client-credentials');
    expect(requestHasUser(request)).toBe(false);
    expect(withUser(request, 'ana@example.com').data.access.claims.sub).toBe('0oaServiceClient123');
    expect(REQUEST_SHAPES.filter((shape) => requestHasUser(buildHookRequest(shape)))).toStrictEqual([
      'example',
      'preview',
      'preview-edited',
      'refresh',
    ]);
  });
});
