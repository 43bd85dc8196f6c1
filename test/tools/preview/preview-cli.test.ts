import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runPreviewCli } from '../../../tools/preview/cli.ts';
import { SAMPLE_PATIENTS } from '../../../local/patients-table.ts';
import { buildHookRequest } from '../../../tools/okta/request-shapes.ts';
import { FAKE_SECRET_REGION, startFakeSecretsManager } from '../../support/fake-secrets-manager.ts';
import { LOCAL_AUTHORIZATION, type LocalHook, startLocalHook } from '../../support/local-hook.ts';
import { seedPatients } from '../../support/seeded-store.ts';
import { type CapturedIoOptions, capturedIo } from '../support/captured-io.ts';

let hook: LocalHook;
let stub: Server;
let stubUrl: string;
const folder = mkdtempSync(join(tmpdir(), 'preview-cli-'));
const secretsManagerCalls: string[] = [];

// Answers a hook could give that ours never does, and Secrets Manager's GetSecretValue.
function stubServer(): Server {
  return createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.headers['x-amz-target'] === 'secretsmanager.GetSecretValue') {
        secretsManagerCalls.push(JSON.parse(body).SecretId);
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        return response.end(JSON.stringify({ Name: 'hook-secret', SecretString: '{"username":"admin","password":"supersecret"}' }));
      }
      const answers: Record<string, string> = {
        '/identity-patch':
          '{"commands":[{"type":"com.okta.identity.patch","value":[{"op":"add","path":"/claims/extPatientId","value":"1"}]}]}',
        '/sign-in-error': '{"error":{"errorSummary":"The clinic system is down"}}',
      };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(answers[request.url ?? ''] ?? '{}');
    });
  });
}

beforeAll(async () => {
  hook = await startLocalHook();
  stub = stubServer();
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await hook.close();
  stub.closeAllConnections();
  await new Promise((resolve) => stub.close(resolve));
  rmSync(folder, { recursive: true, force: true });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Runs `npm run preview -- <args>` in-process; with no --url it finds the test's hook through PORT, as it finds npm start. */
async function preview(args: string[], options: CapturedIoOptions = {}) {
  const io = capturedIo({ cwd: folder, ...options, env: { PORT: new URL(hook.baseUrl).port, ...options.env } });
  const code = await runPreviewCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('preview against the local server, for every request shape', () => {
  it.each([
    ['example', 'user key jessie.smith@example.com', 'Okta applies the answer:', '+ extPatientId: "1235"'],
    [
      'preview',
      'user key kim.sato@example.com',
      'Okta mints the tokens unchanged:',
      'ID token: not being minted (the request has no data.identity)',
    ],
    ['preview-edited', 'user key rajiv.tal@example.com', 'Okta applies the answer:', '+ extPatientId: "4235"'],
    ['refresh', 'user key kim.sato@example.com', 'Okta applies the answer:', '+ extPatientId: "6789"'],
    ['client-credentials', 'no user key', 'Okta mints the tokens unchanged:', 'ID token: not being minted'],
  ])('--shape %s', async (shape, user, verdict, claimLine) => {
    const result = await preview(['--shape', shape]);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`POST ${hook.hookUrl}\n  request: shape ${shape}, ${user}\n  credential: the local default (admin)\n`);
    expect(result.out).toContain(verdict);
    expect(result.out).toContain(claimLine);
  });

  it('shows the status, the body as it came, and the ID token with the added claim', async () => {
    const { out } = await preview([]);
    expect(out).toMatch(
      /← 200 OK in \d+ ms\n\{"commands":\[\{"type":"com\.okta\.identity\.patch","value":\[\{"op":"add","path":"\/claims\/extPatientId","value":"1235"\}\]\}\]\}\n/,
    );
    expect(out).toContain(
      'Okta applies the answer:\n  - add /claims/extPatientId in the ID token\n\nID token claims:\n  sub: "00uq8tMo3zV0OfJON0g3"\n',
    );
    expect(out).toContain(
      '  preferred_username: "jessie.smith@example.com"\n  auth_time: 1547594229\n+ extPatientId: "1235"\n  lifetime: 3600 s\n\nAccess token claims:\n',
    );
  });

  it('sends the request for another login with --user', async () => {
    expect((await preview(['--user', 'Kim.Sato@Example.com'])).out).toContain('+ extPatientId: "6789"');
    const stranger = await preview(['--shape', 'refresh', '--user', 'nobody@example.com']);
    expect(stranger.out).toContain('← 204 No Content');
    expect(stranger.out).toContain('Okta mints the tokens unchanged:');
  });

  it('sends a request from a file, for another login when asked', async () => {
    writeFileSync(join(folder, 'request.json'), JSON.stringify(buildHookRequest('refresh')));
    const result = await preview(['--file', 'request.json', '--user', 'rajiv.tal@example.com']);
    expect(result.out).toContain('request: request.json, user key rajiv.tal@example.com');
    expect(result.out).toContain('+ extPatientId: "4235"');
  });

  it('highlights the added claim in colour on a terminal', async () => {
    const { out } = await preview([], { tty: true });
    expect(out).toContain('\u001b[32m+ extPatientId: "1235"\u001b[0m');
  });
});

describe('preview of a hook keyed by Okta user id (USER_KEY=oktaId)', () => {
  const KIM_ID = (SAMPLE_PATIENTS[1] as { oktaUserId: string }).oktaUserId;
  let byId: LocalHook;
  beforeAll(async () => {
    byId = await startLocalHook({ env: { USER_KEY: 'oktaId', PATIENTS_TABLE: 'patients-by-id' } });
    await seedPatients((byId.store as { endpoint: string }).endpoint, { tableName: 'patients-by-id', keyKind: 'oktaId' });
  });
  afterAll(() => byId.close());
  const previewById = (args: string[]) => preview(args, { env: { PORT: new URL(byId.baseUrl).port, USER_KEY: 'oktaId' } });

  it('refuses --user without --user-id: the hook would look up the request’s own user, not that login', async () => {
    const result = await previewById(['--user', 'alice@example.com']);
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toBe(
      'error: --user needs --user-id: with USER_KEY=oktaId the hook looks users up by Okta user id; npm run preview -- --help shows the usage',
    );
    expect(result.err).not.toContain('alice');
    expect(result.out).toBe('');
  });

  it('sends the request for that Okta user with --user-id', async () => {
    const kim = await previewById(['--user', 'kim.sato@example.com', '--user-id', KIM_ID]);
    expect(kim.code).toBe(0);
    expect(kim.out).toContain(`request: shape example, user key ${KIM_ID}`);
    expect(kim.out).toContain('+ extPatientId: "6789"');
    expect(kim.out).toContain(`  sub: "${KIM_ID}"\n`);
    const stranger = await previewById(['--shape', 'refresh', '--user', 'alice@example.com', '--user-id', '00uAliceExample00001']);
    expect(stranger.out).toContain('← 204 No Content');
    expect(stranger.out).toContain('Okta mints the tokens unchanged:');
  });

  it('sends a request edited in the Preview tab, which has no user context, by the access token’s uid', async () => {
    const result = await previewById(['--shape', 'preview-edited', '--user', 'kim.sato@example.com', '--user-id', KIM_ID]);
    expect(result.out).toContain(`user key ${KIM_ID}`);
    expect(result.out).toContain('+ extPatientId: "6789"');
  });
});

describe('preview against a deployed URL', () => {
  it.each([
    ['--username and --password', ['--username', 'admin', '--password', 'supersecret'], {}, 'credential: --username admin'],
    ['--authorization', ['--authorization', LOCAL_AUTHORIZATION], {}, 'credential: --authorization'],
    ['HOOK_USERNAME and HOOK_PASSWORD', [], { HOOK_USERNAME: 'admin', HOOK_PASSWORD: 'supersecret' }, 'credential: HOOK_USERNAME admin'],
  ])('takes the credential from %s', async (_name, args, env, source) => {
    const result = await preview(['--url', hook.hookUrl, ...args], { env });
    expect(result.code).toBe(0);
    expect(result.out).toContain(source);
    expect(result.out).not.toContain('supersecret');
  });

  it('reads the credential from Secrets Manager with --secret-id', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', stubUrl);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    try {
      const result = await preview(['--url', hook.hookUrl, '--secret-id', 'okta/hook']);
      expect(result.code).toBe(0);
      expect(result.out).toContain('credential: secret okta/hook (user admin)');
      expect(secretsManagerCalls).toStrictEqual(['okta/hook']);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("reads a secret given by ARN in the ARN's region, whatever the default region", async () => {
    const secretsManager = await startFakeSecretsManager({ username: 'admin', password: 'supersecret' });
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secretsManager.endpoint);
    vi.stubEnv('AWS_REGION', 'us-west-2');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    try {
      const result = await preview(['--url', hook.hookUrl, '--secret-id', secretsManager.arn]);
      expect(result.code).toBe(0);
      expect(result.out).toContain(`credential: secret ${secretsManager.arn} (user admin)`);
      expect(secretsManager.calls.map((call) => [call.operation, call.input.SecretId, call.region])).toStrictEqual([
        ['GetSecretValue', secretsManager.arn, FAKE_SECRET_REGION],
      ]);
    } finally {
      vi.unstubAllEnvs();
      await secretsManager.close();
    }
  });

  it('says Okta drops the patch when the hook refuses the credential', async () => {
    const result = await preview(['--url', hook.hookUrl, '--username', 'admin', '--password', 'wrong']);
    expect(result.code).toBe(1);
    expect(result.out).toContain('← 401 Unauthorized');
    expect(result.out).toContain('status 401: the hook refused the credential');
  });
});

describe('preview of answers Okta would not apply', () => {
  it('says Okta drops the patch for a token that is not being minted, and why', async () => {
    const result = await preview(['--url', `${stubUrl}/identity-patch`, '--shape', 'preview', '--authorization', 'Basic eDp5']);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      'Okta drops the patch and mints the tokens without the hook’s changes, because:\n' +
        '  - commands[0] patches the ID token, which this request is not minting (no data.identity)\n',
    );
    expect(result.out).not.toContain('extPatientId: "1"');
  });

  it('says sign-in fails, with the message users would see', async () => {
    const result = await preview(['--url', `${stubUrl}/sign-in-error`, '--authorization', 'Basic eDp5']);
    expect(result.code).toBe(1);
    expect(result.out).toContain('Sign-in fails: Okta mints no token:');
    expect(result.out).toContain('The app receives error=server_error; users see:\n    "The clinic system is down"\n');
  });

  it('says when nothing answers: Okta mints without the claim', async () => {
    const port = await closedPort();
    const result = await preview([], { env: { PORT: String(port) } });
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `error: no answer from http://127.0.0.1:${port}/tokenHook: ECONNREFUSED. Okta would mint the tokens without the hook’s changes. Is npm start running (PORT)?\n`,
    );
  });
});

describe('preview: usage', () => {
  it.each([
    [['--shape', 'implicit'], '--shape must be one of example, preview, preview-edited, refresh, client-credentials'],
    [['--shape', 'example', '--file', 'r.json'], 'give --shape or --file, not both'],
    [['--shape', 'client-credentials', '--user', 'a@example.com'], '--user does not apply: shape client-credentials has no user'],
    [['--url', 'https://hook.example.com/tokenHook'], 'no credential for --url'],
    [['--url', 'ftp://hook.example.com'], '--url must be an http(s) URL'],
    [['--username', 'admin'], '--username and --password go together'],
    [['--authorization', 'Basic eDp5', '--secret-id', 's'], 'give one credential, not --authorization and --secret-id'],
    [['example'], 'unexpected argument "example"'],
    [['--user-id', '00uKimSatoExample001'], '--user-id needs --user: with USER_KEY=login the hook looks users up by login'],
    [
      ['--user', 'a@example.com', '--user-id', 'a@example.com'],
      '--user-id: not an Okta user id (letters and digits, like 00u1ab2CD3ef4GH5ij6k)',
    ],
    [
      ['--shape', 'client-credentials', '--user', 'a@example.com', '--user-id', '00uKimSatoExample001'],
      '--user does not apply: shape client-credentials has no user',
    ],
  ])('exits 2 with one line for %j', async (args, message) => {
    const result = await preview(args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^error: [^\n]*; npm run preview -- --help shows the usage\n$/);
    expect(result.err).toContain(`error: ${message}`);
  });

  it('exits 1 when the request file cannot be read', async () => {
    expect(await preview(['--file', 'absent.json'])).toMatchObject({ code: 1, err: 'error: absent.json: no such file\n' });
  });

  it('says where a request file stops being JSON, without quoting it', async () => {
    writeFileSync(join(folder, 'roster.json'), 'kim.sato@example.com, 1235\n');
    expect(await preview(['--file', 'roster.json'])).toMatchObject({ code: 1, err: 'error: roster.json: not valid JSON\n' });
    writeFileSync(join(folder, 'broken.json'), '{\n  "data": {"user": "kim.sato@example.com" "x"}\n}\n');
    expect(await preview(['--file', 'broken.json'])).toMatchObject({
      code: 1,
      err: 'error: broken.json: not valid JSON at line 2, column 43\n',
    });
  });
});
