import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../tools/cli/run-command.ts';
import { runExecuteCommand } from '../../tools/okta/execute-command.ts';
import { runRegisterCommand } from '../../tools/okta/register-command.ts';
import { LOCAL_AUTHORIZATION, type LocalHook, startLocalHook } from '../support/local-hook.ts';
import { API_TOKEN, AUTH_SERVER_ID, type FakeOkta, POLICY_ID, RULE_ID, startFakeOkta } from './support/fake-okta.ts';

const HOOK_URL = 'https://hook.example.com/tokenHook';
const BASIC = 'Basic b2t0YTpzM2NyZXQtaG9vay1wYXNzd29yZA==';
const CLIENT_SECRET = 'client-secret-never-printed-1234';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('npm run okta:register against a local Management API', () => {
  let okta: FakeOkta;
  const run = async (
    argv: string[],
    env: Record<string, string> = {},
    readSecret?: (id: string) => Promise<string | undefined>,
  ): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { OKTA_ORG_URL: okta.orgUrl, OKTA_API_TOKEN: API_TOKEN, ...env },
      cwd: process.cwd(),
    };
    const code = await runRegisterCommand(argv, io, readSecret ? { readSecret } : {});
    for (const output of [stdout, stderr])
      for (const secret of [BASIC, CLIENT_SECRET, API_TOKEN, 's3cret-hook-password']) expect(output).not.toContain(secret);
    return { code, stdout, stderr };
  };
  const basicArgs = ['--url', HOOK_URL, '--authorization', BASIC];

  beforeEach(async () => {
    okta = await startFakeOkta();
  });
  afterEach(() => okta.close());

  describe('a hook with header authentication', () => {
    it('is created when absent, with the body Okta documents, ACTIVE', async () => {
      const result = await run(basicArgs);
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toMatch(/hook "Patient token hook" created: calFake1/);
      expect(okta.writes()).toHaveLength(1);
      expect(okta.writes()[0]).toMatchObject({ method: 'POST', path: '/api/v1/inlineHooks', authorization: `SSWS ${API_TOKEN}` });
      expect(okta.writes()[0]?.body).toStrictEqual({
        name: 'Patient token hook',
        type: 'com.okta.oauth2.tokens.transform',
        version: '1.0.0',
        channel: {
          type: 'HTTP',
          version: '1.0.0',
          config: { uri: HOOK_URL, method: 'POST', headers: [], authScheme: { type: 'HEADER', key: 'Authorization', value: BASIC } },
        },
      });
      expect(okta.hooks.get('calFake1')?.status).toBe('ACTIVE');
    });

    it('is left alone on a second run: no write at all', async () => {
      await run(basicArgs);
      const writes = okta.writes().length;
      const second = await run(basicArgs);
      expect(second.code).toBe(0);
      expect(okta.writes()).toHaveLength(writes);
      expect(second.stdout).toContain('hook "Patient token hook" (calFake1) unchanged');
      expect(second.stdout).toContain('run again with --rotate-secret');
    });

    it('is updated when the URL changed, saying what changed', async () => {
      await run(basicArgs);
      const result = await run(['--url', 'https://hook2.example.com/tokenHook', '--authorization', BASIC]);
      expect(result.stdout).toContain('updated: channel.config.uri');
      const put = okta.writes().at(-1);
      expect(put).toMatchObject({ method: 'PUT', path: '/api/v1/inlineHooks/calFake1' });
      expect(put?.body.channel.config).toMatchObject({ uri: 'https://hook2.example.com/tokenHook', authScheme: { value: BASIC } });
      expect(okta.hooks.get('calFake1')?.channel.config.uri).toBe('https://hook2.example.com/tokenHook');
    });

    it('sends the secret again with --rotate-secret, as nothing else shows it changed', async () => {
      await run(basicArgs);
      const rotated = 'Basic b2t0YTpuZXctcGFzc3dvcmQ=';
      const result = await run(['--url', HOOK_URL, '--authorization', rotated, '--rotate-secret']);
      expect(result.stdout).toContain('updated: secret');
      expect(okta.writes().at(-1)?.body.channel.config.authScheme.value).toBe(rotated);
      expect(result.stdout).not.toContain(rotated);
    });

    it('treats a hand-made field name "authorization" as the same field', async () => {
      okta.addHook({
        name: 'Patient token hook',
        status: 'ACTIVE',
        type: 'com.okta.oauth2.tokens.transform',
        version: '1.0.0',
        channel: {
          type: 'HTTP',
          version: '1.0.0',
          config: { uri: HOOK_URL, method: 'POST', headers: [], authScheme: { type: 'HEADER', key: 'authorization', value: BASIC } },
        },
      });
      expect((await run(basicArgs)).stdout).toContain('unchanged');
      expect(okta.writes()).toHaveLength(0);
    });

    it('is activated when INACTIVE, and only activated', async () => {
      const hook = okta.addHook({
        name: 'Patient token hook',
        status: 'INACTIVE',
        type: 'com.okta.oauth2.tokens.transform',
        version: '1.0.0',
        channel: {
          type: 'HTTP',
          version: '1.0.0',
          config: { uri: HOOK_URL, method: 'POST', headers: [], authScheme: { type: 'HEADER', key: 'Authorization', value: BASIC } },
        },
      });
      const result = await run(basicArgs);
      expect(result.stdout).toContain('hook activated');
      expect(okta.writes().map(({ method, path }) => `${method} ${path}`)).toStrictEqual([
        `POST /api/v1/inlineHooks/${hook.id}/lifecycle/activate`,
      ]);
      expect(okta.hooks.get(hook.id)?.status).toBe('ACTIVE');
      await run(basicArgs);
      expect(okta.writes()).toHaveLength(1);
    });

    it('takes the Basic value from the hook secret in Secrets Manager', async () => {
      const secretIds: string[] = [];
      const readSecret = async (id: string) => {
        secretIds.push(id);
        return JSON.stringify({ username: 'okta', password: 's3cret-hook-password' });
      };
      const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hook-AbCdEf';
      expect((await run(['--url', HOOK_URL, '--secret-id', arn], {}, readSecret)).code).toBe(0);
      expect(okta.writes()[0]?.body.channel.config.authScheme.value).toBe(
        `Basic ${Buffer.from('okta:s3cret-hook-password').toString('base64')}`,
      );
      expect(secretIds).toStrictEqual([arn]);
      // Nothing to write, so the secret is not even read.
      await run(['--url', HOOK_URL, '--secret-id', arn], {}, readSecret);
      expect(secretIds).toHaveLength(1);
    });

    it.each([
      ['the base64 without "Basic "', 'b2t0YTpzM2NyZXQ='],
      ['username:password as is', 'okta:s3cret'],
    ])('refuses %s as the Authorization value, before calling Okta', async (_name, value) => {
      const result = await run(['--url', HOOK_URL, '--authorization', value]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('the Authorization value must be the whole header Okta sends');
      expect(okta.requests).toHaveLength(0);
    });
  });

  describe('a hook with OAuth 2.0', () => {
    const oauthEnv = {
      OAUTH_ISSUER: 'https://example.okta.com/oauth2/aus2hookcalls',
      OAUTH_SCOPE: 'patient.hook',
      OAUTH_CLIENT_ID: '0oahookclient',
    };

    it('is created with client_secret_post as Okta documents it, and left alone the second time', async () => {
      const argv = ['--url', HOOK_URL, '--auth', 'oauth'];
      const result = await run(argv, { ...oauthEnv, OKTA_HOOK_CLIENT_SECRET: CLIENT_SECRET });
      expect(result.code).toBe(0);
      expect(okta.writes()[0]?.body.channel).toStrictEqual({
        type: 'OAUTH',
        version: '1.0.0',
        config: {
          uri: HOOK_URL,
          method: 'POST',
          headers: [],
          authType: 'client_secret_post',
          clientId: '0oahookclient',
          clientSecret: CLIENT_SECRET,
          tokenUrl: 'https://example.okta.com/oauth2/aus2hookcalls/v1/token',
          scope: 'patient.hook',
        },
      });
      await run(argv, { ...oauthEnv, OKTA_HOOK_CLIENT_SECRET: CLIENT_SECRET });
      expect(okta.writes()).toHaveLength(1);
    });

    it('is created with private_key_jwt and a hook key id', async () => {
      const result = await run(['--url', HOOK_URL, '--auth', 'oauth', '--key-id', 'HKY1tkbl4TRJpYfP4685'], oauthEnv);
      expect(result.code).toBe(0);
      expect(okta.writes()[0]?.body.channel.config).toStrictEqual({
        uri: HOOK_URL,
        method: 'POST',
        headers: [],
        authType: 'private_key_jwt',
        clientId: '0oahookclient',
        hookKeyId: 'HKY1tkbl4TRJpYfP4685',
        tokenUrl: 'https://example.okta.com/oauth2/aus2hookcalls/v1/token',
        scope: 'patient.hook',
      });
    });

    it('switches an existing header hook to OAuth', async () => {
      await run(basicArgs);
      const result = await run(['--url', HOOK_URL, '--auth', 'oauth', '--key-id', 'HKY1'], oauthEnv);
      expect(result.stdout).toMatch(/updated: channel\.type, channel\.config\.authScheme, channel\.config\.authType/);
      expect(okta.hooks.get('calFake1')?.channel.type).toBe('OAUTH');
    });

    it('refuses a token URL of the authorization server that fires the hook', async () => {
      const result = await run(
        [
          '--url',
          HOOK_URL,
          '--auth',
          'oauth',
          '--key-id',
          'HKY1',
          '--token-url',
          `https://example.okta.com/oauth2/${AUTH_SERVER_ID}/v1/token`,
          '--auth-server',
          AUTH_SERVER_ID,
          '--rule',
          `${POLICY_ID}/${RULE_ID}`,
        ],
        oauthEnv,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('the one that fires the hook');
      expect(okta.requests).toHaveLength(0);
    });
  });

  describe('attaching the hook to a policy rule', () => {
    const attachArgs = [...basicArgs, '--auth-server', AUTH_SERVER_ID, '--rule', `${POLICY_ID}/${RULE_ID}`];

    it('sets actions.token.inlineHook.id on the rule, keeping the rest of it, once', async () => {
      const result = await run(attachArgs);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`rule "Patient sign-in" (${POLICY_ID}/${RULE_ID}) now calls the hook`);
      const put = okta.writes().at(-1);
      expect(put?.path).toBe(`/api/v1/authorizationServers/${AUTH_SERVER_ID}/policies/${POLICY_ID}/rules/${RULE_ID}`);
      expect(put?.body).not.toHaveProperty('_links');
      expect(put?.body.actions.token).toStrictEqual({
        accessTokenLifetimeMinutes: 60,
        refreshTokenLifetimeMinutes: 0,
        refreshTokenWindowMinutes: 10080,
        inlineHook: { id: 'calFake1' },
      });
      expect(put?.body.conditions.grantTypes).toStrictEqual({ include: ['authorization_code', 'refresh_token'] });

      const writes = okta.writes().length;
      const again = await run(attachArgs);
      expect(again.stdout).toContain('already calls the hook');
      expect(okta.writes()).toHaveLength(writes);
    });

    it('finds the rule by name', async () => {
      const result = await run([...basicArgs, '--auth-server', AUTH_SERVER_ID, '--rule', 'Patient sign-in']);
      expect(result.code).toBe(0);
      expect(okta.rules.get(RULE_ID)?.rule.actions.token.inlineHook).toStrictEqual({ id: 'calFake1' });
    });

    it('says which rules exist when the name matches none', async () => {
      const result = await run([...basicArgs, '--auth-server', AUTH_SERVER_ID, '--rule', 'Nope']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('no rule named "Nope"');
      expect(result.stderr).toContain('"Patients" / "Machines"');
    });

    it('says when the rule called another hook', async () => {
      okta.rules.get(RULE_ID)!.rule.actions.token.inlineHook = { id: 'calSomeOther' };
      expect((await run(attachArgs)).stdout).toContain('now calls the hook instead of calSomeOther');
    });
  });

  describe('errors from Okta', () => {
    it('shows Okta error code and summary, and a hint, for a wrong API token', async () => {
      const result = await run(basicArgs, { OKTA_API_TOKEN: 'wrong' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'Okta answered 401 to GET /api/v1/inlineHooks?type=com.okta.oauth2.tokens.transform: E0000011 Invalid token provided',
      );
      expect(result.stderr).toContain('hint: check OKTA_API_TOKEN');
    });

    it('shows the causes of a validation error', async () => {
      const result = await run(['--url', HOOK_URL, '--authorization', BASIC, '--name', '']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Okta answered 400 to POST /api/v1/inlineHooks: E0000001 Api validation failed: inlineHook');
      expect(result.stderr).toContain('cause: name: The field cannot be left blank');
    });

    it('shows a rule that does not exist as Okta says it', async () => {
      const result = await run([...basicArgs, '--auth-server', AUTH_SERVER_ID, '--rule', `${POLICY_ID}/0prMissing`]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('404');
      expect(result.stderr).toContain('E0000007');
    });

    it('needs the org and a Management API credential', async () => {
      const result = await run(basicArgs, { OKTA_API_TOKEN: '', OKTA_ACCESS_TOKEN: '' });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('OKTA_API_TOKEN');
    });
  });

  describe('--dry-run', () => {
    it('reads from Okta but writes nothing, printing each change with the secret masked', async () => {
      const result = await run([...basicArgs, '--auth-server', AUTH_SERVER_ID, '--rule', `${POLICY_ID}/${RULE_ID}`, '--dry-run']);
      expect(result.code).toBe(0);
      expect(okta.writes()).toHaveLength(0);
      expect(result.stdout).toContain(`would send POST ${okta.orgUrl}/api/v1/inlineHooks`);
      expect(result.stdout).toContain('"value": "********"');
      expect(result.stdout).toContain(
        `would send PUT ${okta.orgUrl}/api/v1/authorizationServers/${AUTH_SERVER_ID}/policies/${POLICY_ID}/rules/${RULE_ID}`,
      );
      expect(result.stdout).toContain('hook "Patient token hook" would be created');
      expect(okta.hooks.size).toBe(0);
    });

    it('masks the client secret too', async () => {
      const result = await run([
        '--url',
        HOOK_URL,
        '--auth',
        'oauth',
        '--client-id',
        'c',
        '--scope',
        's',
        '--token-url',
        'https://example.okta.com/oauth2/aus2/v1/token',
        '--client-secret',
        CLIENT_SECRET,
        '--dry-run',
      ]);
      expect(result.stdout).toContain('"clientSecret": "********"');
      expect(okta.writes()).toHaveLength(0);
    });
  });
});

describe('npm run okta:execute against a local Management API and the local hook', () => {
  let okta: FakeOkta;
  let hook: LocalHook;
  beforeAll(async () => {
    [okta, hook] = await Promise.all([startFakeOkta(), startLocalHook({ env: { MAX_EVENT_AGE_SECONDS: '300' } })]);
    okta.addHook({
      name: 'Patient token hook',
      status: 'ACTIVE',
      type: 'com.okta.oauth2.tokens.transform',
      version: '1.0.0',
      // The local hook is plain http; Okta itself would refuse such a URL.
      channel: {
        type: 'HTTP',
        version: '1.0.0',
        config: {
          uri: hook.hookUrl,
          method: 'POST',
          headers: [],
          authScheme: { type: 'HEADER', key: 'Authorization', value: LOCAL_AUTHORIZATION },
        },
      },
    });
  });
  afterAll(async () => {
    await Promise.all([okta.close(), hook.close()]);
  });

  const execute = async (argv: string[]): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { OKTA_ORG_URL: okta.orgUrl, OKTA_API_TOKEN: API_TOKEN },
      cwd: process.cwd(),
    };
    return { code: await runExecuteCommand(argv, io), stdout, stderr };
  };

  it('sends the example request for the user through the hook and judges the answer', async () => {
    const result = await execute(['--user', 'kim.sato@example.com']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"value": "6789"');
    expect(result.stdout).toContain('Okta applies the answer:');
    expect(result.stdout).toContain('+ extPatientId: "6789"');
    const sent = okta.requests.find((request) => request.path.endsWith('/execute'))?.body;
    expect(sent.data.context.user.profile.login).toBe('kim.sato@example.com');
    expect(sent.source).toBe(`https://${new URL(okta.orgUrl).host}/oauth2/default/v1/authorize`);
    expect(Math.abs(Date.parse(sent.eventTime) - Date.now())).toBeLessThan(60_000);
  });

  it('judges a user who is not a patient as unchanged', async () => {
    const result = await execute(['--user', 'nobody@example.com']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Okta mints the tokens unchanged');
  });

  it('names the hooks it knows when the name matches none', async () => {
    const result = await execute(['--name', 'Other hook']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no token inline hook named "Other hook" in Okta (token hooks: "Patient token hook")');
  });
});
