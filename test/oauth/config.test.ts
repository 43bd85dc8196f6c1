import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config.ts';
import { configError } from '../support/config-error.ts';

const oauth = {
  PATIENTS_TABLE: 'patients',
  HOOK_AUTH: 'oauth',
  OAUTH_ISSUER: 'https://example.okta.com/oauth2/aus1hooks',
  OAUTH_AUDIENCE: 'api://patient-token-hook',
  OAUTH_SCOPE: 'patient.hook',
};

describe('HOOK_AUTH', () => {
  it('is basic by default, with the Basic credential required as before', () => {
    expect(loadConfig({ PATIENTS_TABLE: 'p', HOOK_SECRET_ID: 's' }).credential).toStrictEqual({ secretId: 's' });
    expect(configError({ PATIENTS_TABLE: 'p' })).toBe('HOOK_SECRET_ID is required (or HOOK_USERNAME and HOOK_PASSWORD, for local runs)');
  });

  it('reads the OAuth settings in oauth mode and needs no Basic credential', () => {
    expect(loadConfig(oauth).credential).toStrictEqual({
      oauth: { issuer: oauth.OAUTH_ISSUER, audience: oauth.OAUTH_AUDIENCE, scope: oauth.OAUTH_SCOPE },
    });
    expect(loadConfig({ ...oauth, OAUTH_CLIENT_ID: '0oa1', OAUTH_ISSUER: `${oauth.OAUTH_ISSUER}/` }).credential).toStrictEqual({
      oauth: { issuer: oauth.OAUTH_ISSUER, audience: oauth.OAUTH_AUDIENCE, scope: oauth.OAUTH_SCOPE, clientId: '0oa1' },
    });
  });

  it('ignores a Basic credential in oauth mode', () => {
    expect(loadConfig({ ...oauth, HOOK_USERNAME: 'admin', HOOK_PASSWORD: 'x' }).credential).toHaveProperty('oauth');
  });

  it('allows a plain http issuer on the loopback only, for tests', () => {
    for (const issuer of ['http://127.0.0.1:4000/oauth2/hooks', 'http://localhost:4000/oauth2/hooks']) {
      expect(loadConfig({ ...oauth, OAUTH_ISSUER: issuer }).credential).toMatchObject({ oauth: { issuer } });
    }
  });

  it.each([
    [{ ...oauth, HOOK_AUTH: 'jwt' }, 'HOOK_AUTH must be basic or oauth'],
    [{ ...oauth, OAUTH_ISSUER: '' }, 'OAUTH_ISSUER is required when HOOK_AUTH=oauth'],
    [{ ...oauth, OAUTH_AUDIENCE: '' }, 'OAUTH_AUDIENCE is required when HOOK_AUTH=oauth'],
    [{ ...oauth, OAUTH_SCOPE: '' }, 'OAUTH_SCOPE is required when HOOK_AUTH=oauth'],
    [{ ...oauth, OAUTH_SCOPE: 'patient.hook openid' }, 'OAUTH_SCOPE must be one scope name, without spaces'],
    [{ ...oauth, OAUTH_ISSUER: 'example.okta.com' }, 'OAUTH_ISSUER must be a URL, e.g. https://example.okta.com/oauth2/aus1hooks'],
    [
      { ...oauth, OAUTH_ISSUER: 'http://example.okta.com/oauth2/aus1' },
      'OAUTH_ISSUER must be an https URL (http only for 127.0.0.1 or localhost)',
    ],
    [
      { ...oauth, OAUTH_ISSUER: 'https://example.okta.com/oauth2/aus1?x=1' },
      'OAUTH_ISSUER must be the issuer URL alone, without query, fragment or credentials',
    ],
  ])('refuses %j at start-up: %s', (env, message) => {
    expect(configError(env)).toBe(message);
  });
});
