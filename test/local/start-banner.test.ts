import { describe, expect, it } from 'vitest';
import { startBanner } from '../../local/start-banner.ts';
import { LOCAL_DEFAULTS } from '../../tools/cli/local-target.ts';

const HOOK_URL = 'http://127.0.0.1:3000/tokenHook';
const STORE = 'embedded DynamoDB at http://127.0.0.1:8000 (process 42), data in .data/dynamodb';
const banner = (env: Record<string, string>) => startBanner({ ...LOCAL_DEFAULTS, ...env }, HOOK_URL, STORE).join('\n');

describe('the npm start banner', () => {
  it('shows the built-in local credential and a curl line that works as it is', () => {
    const text = banner({});
    expect(text).toContain('Credential: admin / supersecret, the local default');
    expect(text).toContain(`curl -i ${HOOK_URL} -H 'authorization: Basic YWRtaW46c3VwZXJzZWNyZXQ='`);
  });

  it('names HOOK_PASSWORD but never prints a password that came from the environment', () => {
    const text = banner({ HOOK_USERNAME: 'okta', HOOK_PASSWORD: 'a-real-one-from-the-environment' });
    expect(text).not.toContain('a-real-one-from-the-environment');
    expect(text).not.toContain(Buffer.from('okta:a-real-one-from-the-environment').toString('base64'));
    expect(text).toContain('Credential: okta and the password in HOOK_PASSWORD, from the environment (not shown)');
    expect(text).toContain("-H 'authorization: Basic <base64 of okta:password>'");
  });

  it('prints no credential when it comes from Secrets Manager, even with the local default still set', () => {
    const text = banner({ HOOK_SECRET_ID: 'okta-token-hook/basic' });
    expect(text).not.toContain(LOCAL_DEFAULTS.HOOK_PASSWORD);
    expect(text).toContain('Credential: the one in the secret named by HOOK_SECRET_ID (not shown)');
  });

  it('says which access token a caller needs in OAuth mode', () => {
    const text = banner({
      HOOK_AUTH: 'oauth',
      OAUTH_ISSUER: 'https://example.okta.com/oauth2/default',
      OAUTH_AUDIENCE: 'api://hook',
      OAUTH_SCOPE: 'hook:call',
    });
    expect(text).toContain('Callers need an access token from https://example.okta.com/oauth2/default for api://hook with scope hook:call');
    expect(text).not.toContain(LOCAL_DEFAULTS.HOOK_PASSWORD);
    expect(text).toContain("-H 'authorization: Bearer <access token>'");
  });

  it('shows the health check at /health, whatever the hook path', () => {
    const text = startBanner(LOCAL_DEFAULTS, 'http://127.0.0.1:3000/hooks/okta', STORE).join('\n');
    expect(text).toContain('  curl -i http://127.0.0.1:3000/health   (the health check: no credential');
  });

  it('says where it listens, which store and table it uses, and what the table is keyed by', () => {
    expect(banner({}).split('\n').slice(0, 2)).toStrictEqual([
      `Okta token hook listening on ${HOOK_URL}`,
      `Patients store: ${STORE}, table patients keyed by login`,
    ]);
    expect(banner({ USER_KEY: 'oktaId', PATIENTS_TABLE: 'patients-by-okta-id' }).split('\n')[1]).toBe(
      `Patients store: ${STORE}, table patients-by-okta-id keyed by Okta user id`,
    );
  });
});
