import type { AddressInfo } from 'node:net';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CURRENT_SINCE_TAG } from '../../lambda/aws/secrets-manager-credentials.ts';
import { basicHeaderValue, type BasicCredential } from '../../lambda/core/basic-auth.ts';
import { describeError } from '../../lambda/observability.ts';
import { rotateBasicCredential } from '../../lambda/rotation/rotate-basic-credential.ts';
import { createBasicCallerAuthenticator } from '../../lambda/auth/basic-caller.ts';
import { loadConfig } from '../../lambda/config.ts';
import type { DeadlineSignal, PatientStore } from '../../lambda/core/ports.ts';
import { createHookHandler } from '../../lambda/hook.ts';
import { REQUEST_BUDGET_MS } from '../../lambda/request-deadline.ts';
import { wireHookFromEnvironment } from '../../lambda/wiring.ts';
import { LOCAL_DEFAULTS } from '../../tools/cli/local-target.ts';
import { createApiGatewayServer } from '../../local/api-gateway-server.ts';
import type { EmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { captureLine, treatAsSecret } from '../support/captured-output.ts';
import { loadFixture } from '../support/fixtures.ts';
import { type LocalHook, sendToHook, startLocalHook } from '../support/local-hook.ts';
import { startBlackHole, unusedPort } from './support/fault-endpoints.ts';
import { startSeededStore } from '../support/seeded-store.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager.ts';
import { capturedOutput, hookEvent } from './support/in-process.ts';

const SECRET_ID = 'okta-token-hook/basic-credential';
const OLD: BasicCredential = { username: 'okta-hook', password: 'old-Zq8r1Lx0vT4m' };
const NEW: BasicCredential = { username: 'okta-hook', password: 'new-Wc3t9Hv5pK2s' };
const STRANGER: BasicCredential = { username: 'okta-hook', password: 'guess-Rb7n2Yq6' };
for (const credential of [OLD, NEW, STRANGER]) {
  treatAsSecret(credential.password);
  treatAsSecret(basicHeaderValue(credential).slice('Basic '.length));
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const PATIENT_REQUEST = JSON.stringify(loadFixture('okta-example-patient'));

let store: EmbeddedDynamoDb;
const cleanup: Array<() => Promise<void>> = [];
beforeAll(async () => {
  store = await startSeededStore();
});
afterAll(() => store.close());
afterEach(async () => {
  vi.useRealTimers();
  while (cleanup.length > 0) await cleanup.pop()?.();
});

/** Time as Date.now() sees it: only Date is faked; timers, sockets and deadlines stay real. */
function setClock(at: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(at);
}

async function secretsManager(credential: BasicCredential, createdAt: number, port?: number): Promise<FakeSecretsManager> {
  const server = await startFakeSecretsManager(credential, { name: SECRET_ID, createdAt, ...(port ? { port } : {}) });
  cleanup.push(() => server.close());
  return server;
}

/** The AWS SDK client, for what an operator or the rotation function does to the secret. */
function sdkClient(server: FakeSecretsManager): SecretsManagerClient {
  const client = new SecretsManagerClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local-test-key' },
    maxAttempts: 1,
  });
  cleanup.push(async () => client.destroy());
  return client;
}

const versionIdOf = (server: FakeSecretsManager, stage: string) =>
  [...server.versions].find(([, version]) => version.stages.includes(stage))?.[0] as string;

/** The hook as `npm start` serves it, over real HTTP, reading the secret from `server` (no init read). */
async function hookOverHttp(server: FakeSecretsManager | string, env: Record<string, string> = {}, storeEndpoint = store.endpoint) {
  const hook = await startLocalHook({
    env: { HOOK_SECRET_ID: SECRET_ID, AWS_ENDPOINT_URL_SECRETS_MANAGER: typeof server === 'string' ? server : server.endpoint, ...env },
    storeEndpoint,
  });
  cleanup.push(() => hook.close());
  return hook;
}

/** A patient's sign-in as Okta sends it, with this Authorization header (or none). */
const signIn = (hook: LocalHook, authorization: string | null) => sendToHook(hook, PATIENT_REQUEST, { authorization });
const lastLogOf = (hook: LocalHook) => JSON.parse(hook.logs.at(-1) as string) as Record<string, unknown>;
const operations = (server: FakeSecretsManager, from = 0) =>
  server.calls.slice(from).map((call) => [call.operation, call.input.VersionStage].filter(Boolean).join(' '));

/** The function as Lambda runs it: wired from the environment, the credential read during init. */
async function coldStart(secretsManagerUrl: string, env: Record<string, string> = {}, { init = true } = {}) {
  const output = capturedOutput();
  const hook = wireHookFromEnvironment(
    {
      PATIENTS_TABLE: 'patients',
      HOOK_SECRET_ID: SECRET_ID,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'local-test-key',
      AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManagerUrl,
      ...env,
    },
    output,
  );
  // What lambda/handler.ts does at init.
  if (init) await hook.caller.prepare().catch((error: unknown) => hook.log.error('credential not loaded at init', describeError(error)));
  return {
    output,
    /** The status Okta gets for a patient's sign-in, sending this credential (or none). */
    async status(credential: BasicCredential | undefined): Promise<number> {
      const answer = await hook.handle(
        hookEvent({ body: PATIENT_REQUEST, ...(credential ? { authorization: basicHeaderValue(credential) } : {}) }),
      );
      if (answer.statusCode === 200) expect(JSON.parse(answer.body ?? '')).toHaveProperty('commands');
      return answer.statusCode;
    },
    lastLog: () => JSON.parse(output.logs.at(-1) as string) as Record<string, unknown>,
  };
}

/**
 * lambda/handler.ts itself, loaded as Lambda loads it at a cold start (its init read included), behind the
 * local API Gateway over real HTTP, with the log lines it writes.
 */
async function lambdaOverHttp(secretsManagerUrl: string) {
  const env = {
    PATIENTS_TABLE: 'patients',
    HOOK_SECRET_ID: SECRET_ID,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'local-test-key',
    AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManagerUrl,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  cleanup.push(async () => void vi.unstubAllEnvs());
  // The handler logs to stdout, as in Lambda: kept for the assertions and the output scan, not printed.
  const lines: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    captureLine(text);
    // Every JSON line: the logger's and each request's one line (its log entry and its metrics).
    lines.push(...text.split('\n').filter((line) => line.startsWith('{')));
    return true;
  });
  cleanup.push(async () => stdout.mockRestore());
  vi.resetModules();
  const { handler } = await import('../../lambda/handler.ts');
  const server = createApiGatewayServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logs = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const hook: LocalHook = { baseUrl, hookUrl: `${baseUrl}/tokenHook`, handle: handler, logs: [], close: async () => undefined };
  return {
    logs,
    lastLog: () => logs().at(-1),
    status: async (credential: BasicCredential) => (await signIn(hook, basicHeaderValue(credential))).status,
  };
}

describe('the fake Secrets Manager', () => {
  it('speaks the protocol the AWS SDK expects, CreatedDate included', async () => {
    const server = await secretsManager(OLD, T0);
    const client = new SecretsManagerClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local-test-key' },
    });
    cleanup.push(async () => client.destroy());
    const output = await client.send(new GetSecretValueCommand({ SecretId: SECRET_ID, VersionStage: 'AWSCURRENT' }));
    expect(JSON.parse(output.SecretString ?? '')).toStrictEqual(OLD);
    expect(output.CreatedDate).toStrictEqual(new Date(T0));
    await expect(client.send(new GetSecretValueCommand({ SecretId: SECRET_ID, VersionStage: 'AWSPREVIOUS' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it("keeps when the secret last changed, a staging label moved included, as DescribeSecret's LastChangedDate", async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    const client = sdkClient(server);
    const lastChanged = async () => (await client.send(new DescribeSecretCommand({ SecretId: SECRET_ID }))).LastChangedDate;
    expect(await lastChanged()).toStrictEqual(new Date(T0 - 30 * DAY));
    const oldId = versionIdOf(server, 'AWSCURRENT');
    const newId = server.rotate(NEW, T0 - DAY);
    expect(await lastChanged()).toStrictEqual(new Date(T0 - DAY));
    setClock(T0);
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: SECRET_ID,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: oldId,
        RemoveFromVersionId: newId,
      }),
    );
    expect(await lastChanged()).toStrictEqual(new Date(T0));
    expect(versionIdOf(server, 'AWSPREVIOUS')).toBe(newId);
  });

  it('keeps tags as the service does: TagResource, UntagResource, Tags in DescribeSecret, LastChangedDate moved, its limits', async () => {
    const server = await secretsManager(OLD, T0 - DAY);
    const client = sdkClient(server);
    const describe = () => client.send(new DescribeSecretCommand({ SecretId: SECRET_ID }));
    setClock(T0);
    expect((await describe()).Tags).toBeUndefined();
    await client.send(
      new TagResourceCommand({
        SecretId: SECRET_ID,
        Tags: [
          { Key: 'Owner', Value: 'identity team' },
          { Key: 'k', Value: 'v1' },
        ],
      }),
    );
    vi.setSystemTime(T0 + HOUR);
    await client.send(new TagResourceCommand({ SecretId: server.arn, Tags: [{ Key: 'k', Value: 'v2 +-=._:/@ 0' }] }));
    expect(await describe()).toMatchObject({
      Tags: [
        { Key: 'Owner', Value: 'identity team' },
        { Key: 'k', Value: 'v2 +-=._:/@ 0' },
      ],
      LastChangedDate: new Date(T0 + HOUR),
    });
    vi.setSystemTime(T0 + 2 * HOUR);
    await client.send(new UntagResourceCommand({ SecretId: SECRET_ID, TagKeys: ['Owner'] }));
    expect(await describe()).toMatchObject({ Tags: [{ Key: 'k', Value: 'v2 +-=._:/@ 0' }], LastChangedDate: new Date(T0 + 2 * HOUR) });
    for (const tag of [
      { Key: 'k', Value: 'x'.repeat(257) },
      { Key: 'k', Value: 'no;semicolons' },
      { Key: 'aws:reserved', Value: '' },
      { Key: '', Value: 'v' },
    ]) {
      await expect(client.send(new TagResourceCommand({ SecretId: SECRET_ID, Tags: [tag] }))).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
    }
    await client.send(new TagResourceCommand({ SecretId: SECRET_ID, Tags: [{ Key: 'k', Value: 'x'.repeat(256) }] }));
  });

  it('fails, answers late or never, as told, for the calls a test picks', async () => {
    const server = await secretsManager(OLD, T0);
    const client = sdkClient(server);
    const read = (stage: string) => client.send(new GetSecretValueCommand({ SecretId: SECRET_ID, VersionStage: stage }));
    server.fault({ status: 500 });
    await expect(read('AWSCURRENT')).rejects.toMatchObject({ name: 'InternalServiceError', $metadata: { httpStatusCode: 500 } });
    server.fault({ hang: true }, (call) => call.input.VersionStage === 'AWSPREVIOUS');
    const hung = read('AWSPREVIOUS').catch((error: unknown) => error);
    await vi.waitFor(() => expect(server.hanging).toBe(1));
    expect(JSON.parse((await read('AWSCURRENT')).SecretString ?? '')).toStrictEqual(OLD);
    await server.close();
    expect(await hung).toBeInstanceOf(Error);
    expect(server.readsOf('AWSCURRENT')).toBe(2);
  });
});

describe('rotation of the Basic credential', () => {
  it('never fails a sign-in: the old value works until the new one is pasted into Okta and for the grace after', async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    setClock(T0);
    const hook = await coldStart(server.endpoint);
    const seen: Array<[string, number]> = [];
    const okta = async (label: string, credential: BasicCredential, at: number) => {
      vi.setSystemTime(at);
      seen.push([label, await hook.status(credential)]);
    };

    await okta('before the rotation', OLD, T0 + MINUTE);
    server.rotate(NEW, T0 + HOUR);
    await okta('rotated, Okta still sends the old value', OLD, T0 + HOUR + 1 * MINUTE);
    await okta('the operator pasted the new value into Okta', NEW, T0 + HOUR + 3 * MINUTE);
    await okta('a call Okta started with the old value', OLD, T0 + HOUR + 3 * MINUTE);
    await okta('near the end of the grace', OLD, T0 + HOUR + DAY - MINUTE);
    await okta('after the grace, the new value', NEW, T0 + HOUR + DAY + MINUTE);
    await okta('after the grace, the old value', OLD, T0 + HOUR + DAY + MINUTE);

    expect(seen).toStrictEqual([
      ['before the rotation', 200],
      ['rotated, Okta still sends the old value', 200],
      ['the operator pasted the new value into Okta', 200],
      ['a call Okta started with the old value', 200],
      ['near the end of the grace', 200],
      ['after the grace, the new value', 200],
      ['after the grace, the old value', 401],
    ]);
    expect(hook.lastLog()).toMatchObject({ reason: 'Unauthorized' });
  });

  it('stops accepting the old value after the grace on an instance that never sees the new one', async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    setClock(T0);
    const hook = await coldStart(server.endpoint);
    server.rotate(NEW, T0 + MINUTE);

    vi.setSystemTime(T0 + 2 * MINUTE);
    expect(await hook.status(OLD)).toBe(200);
    expect(server.readsOf('AWSCURRENT')).toBe(1);
    // The copy is older than 5 minutes: this request goes on with it, and a read in the background learns of the rotation.
    vi.setSystemTime(T0 + 10 * MINUTE);
    expect(await hook.status(OLD)).toBe(200);
    await vi.waitFor(() => expect(server.readsOf('AWSCURRENT')).toBe(2));
    vi.setSystemTime(T0 + MINUTE + DAY + SECOND);
    expect(await hook.status(OLD)).toBe(401);
    expect(await hook.status(NEW)).toBe(200);
  });

  it.each([
    ['0', 0],
    ['1', HOUR],
  ])('takes the grace from ROTATION_GRACE_HOURS=%s', async (hours, graceMs) => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    setClock(T0);
    const hook = await coldStart(server.endpoint, { ROTATION_GRACE_HOURS: hours });
    server.rotate(NEW, T0 + MINUTE);
    vi.setSystemTime(T0 + 2 * MINUTE);
    expect(await hook.status(NEW)).toBe(200);
    expect(await hook.status(OLD)).toBe(graceMs > MINUTE ? 200 : 401);
    vi.setSystemTime(T0 + MINUTE + graceMs + SECOND);
    expect(await hook.status(OLD)).toBe(401);
    expect(await hook.status(NEW)).toBe(200);
  });
});

describe('Secrets Manager out of reach', () => {
  it('at init: the failure is not kept and starts no back-off; the first request tries again, and a failure then backs off', async () => {
    const port = await unusedPort();
    setClock(T0);
    const hook = await coldStart(`http://127.0.0.1:${port}`);
    expect(hook.lastLog()).toMatchObject({ level: 'ERROR', message: 'credential not loaded at init', errorCode: 'ECONNREFUSED' });

    // The first request tries (and fails: nothing listens yet); the requests after it wait for the back-off.
    expect(await hook.status(OLD)).toBe(401);
    expect(hook.lastLog()).toMatchObject({ level: 'ERROR', reason: 'CredentialSourceUnavailable', status: 401, errorCode: 'ECONNREFUSED' });
    for (const credential of [STRANGER, OLD]) {
      expect(await hook.status(credential)).toBe(401);
      expect(hook.lastLog()).toMatchObject({
        level: 'ERROR',
        reason: 'CredentialSourceUnavailable',
        status: 401,
        errorCode: 'SecretReadBackoff',
      });
    }
    // No credential at all needs no secret to refuse.
    expect(await hook.status(undefined)).toBe(401);
    expect(hook.lastLog()).toMatchObject({ reason: 'Unauthorized', detail: 'NotABasicCredential' });

    const server = await secretsManager(OLD, T0, port);
    expect(await hook.status(OLD)).toBe(401);
    expect(server.calls).toHaveLength(0);
    vi.setSystemTime(T0 + SECOND);
    expect(await hook.status(OLD)).toBe(200);
    expect(await hook.status(STRANGER)).toBe(401);
    expect(server.readsOf('AWSCURRENT')).toBe(2);
  });

  it("lambda/handler.ts over real HTTP: when the init read failed, the cold start's first request reads at once and is let in", async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    server.fault({ status: 500 });
    // Date stands still: a back-off started at init would still be running for the first request.
    setClock(T0);
    const lambda = await lambdaOverHttp(server.endpoint);
    expect(lambda.lastLog()).toMatchObject({ level: 'ERROR', message: 'credential not loaded at init', errorCode: 'InternalServiceError' });
    const initCalls = server.calls.length;
    expect(initCalls).toBeGreaterThan(0);

    server.fault(undefined);
    expect(await lambda.status(OLD)).toBe(200);
    expect(server.calls.length).toBe(initCalls + 1);
    expect(lambda.lastLog()).toMatchObject({ reason: 'ClaimAdded' });
  });

  it('lambda/handler.ts over real HTTP: a request-driven read that fails still starts the back-off', async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    server.fault({ status: 500 });
    setClock(T0);
    const lambda = await lambdaOverHttp(server.endpoint);
    const initCalls = server.calls.length;

    expect(await lambda.status(OLD)).toBe(401);
    expect(lambda.lastLog()).toMatchObject({ reason: 'CredentialSourceUnavailable', errorCode: 'InternalServiceError' });
    const firstRequestCalls = server.calls.length;
    expect(firstRequestCalls).toBeGreaterThan(initCalls);
    server.fault(undefined);
    expect(await lambda.status(OLD)).toBe(401);
    expect(lambda.lastLog()).toMatchObject({ reason: 'CredentialSourceUnavailable', errorCode: 'SecretReadBackoff' });
    expect(server.calls.length).toBe(firstRequestCalls);
    vi.setSystemTime(T0 + SECOND);
    expect(await lambda.status(OLD)).toBe(200);
  });

  it("answers 401 at the request's deadline when Secrets Manager accepts connections and never answers", async () => {
    const blackHole = await startBlackHole();
    cleanup.push(() => blackHole.close());
    const hook = await coldStart(blackHole.url, {}, { init: false });
    expect(await hook.status(OLD)).toBe(401);
    // DeadlineExceeded: the request's own 1 s bound answered, not the hung read.
    expect(hook.lastLog()).toMatchObject({ reason: 'CredentialSourceUnavailable', errorCode: 'DeadlineExceeded' });
  }, 10_000);

  it('after a successful read: a failed re-read keeps the credential, so Okta is never locked out', async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    setClock(T0);
    const hook = await coldStart(server.endpoint);
    await server.close();

    vi.setSystemTime(T0 + 31 * SECOND);
    expect(await hook.status(STRANGER)).toBe(401);
    expect(await hook.status(OLD)).toBe(200);
    vi.setSystemTime(T0 + 10 * MINUTE);
    expect(await hook.status(OLD)).toBe(200);
  });
});

describe('re-reading the secret on a mismatch', () => {
  it('happens at most once per 30 s, however many wrong credentials arrive', async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    setClock(T0);
    const hook = await coldStart(server.endpoint);
    const burst = async (at: number) => {
      vi.setSystemTime(at);
      const statuses = await Promise.all(Array.from({ length: 20 }, () => hook.status(STRANGER)));
      expect(new Set(statuses)).toStrictEqual(new Set([401]));
      return server.readsOf('AWSCURRENT');
    };

    expect(server.readsOf('AWSCURRENT')).toBe(1);
    // The first mismatch reads AWSCURRENT with AWSPREVIOUS and DescribeSecret, once for this version.
    expect(await burst(T0 + 5 * SECOND)).toBe(2);
    expect(await burst(T0 + 20 * SECOND)).toBe(2);
    expect(await burst(T0 + 36 * SECOND)).toBe(3);
    expect(await burst(T0 + 50 * SECOND)).toBe(3);
    expect(await burst(T0 + 67 * SECOND)).toBe(4);
    expect(await hook.status(OLD)).toBe(200);
    expect(server.readsOf('AWSCURRENT')).toBe(4);
    // AWSPREVIOUS once: the secret has none, and that is kept as an answer.
    expect(server.readsOf('AWSPREVIOUS')).toBe(1);
    // A look for a new AWSPENDING version at most once per 5 s: here once a burst (with the AWSCURRENT re-reads).
    expect(operations(server).filter((name) => name === 'DescribeSecret')).toHaveLength(5);
  });
});

describe('Secrets Manager answering 500, over real HTTP', () => {
  const MALFORMED = [
    null,
    'Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig',
    'Basic',
    'Basic !!!!',
    `Basic ${Buffer.from('no-colon-here').toString('base64')}`,
    'Digest username="okta-hook"',
    `Basic ${'A'.repeat(5000)}`,
  ];

  it('never reads for a request without a well-formed credential, reads once for a burst of wrong ones, then backs off and recovers', async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    server.fault({ status: 500 });
    setClock(T0);
    const hook = await hookOverHttp(server);

    for (let i = 0; i < 50; i++) expect((await signIn(hook, MALFORMED[i % MALFORMED.length] ?? null)).status).toBe(401);
    expect(lastLogOf(hook)).toMatchObject({ reason: 'Unauthorized', detail: 'NotABasicCredential' });
    expect(server.calls).toHaveLength(0);

    // Well-formed and wrong: 25 one after another, then 25 at once.
    const statuses = [];
    for (let i = 0; i < 25; i++) statuses.push((await signIn(hook, basicHeaderValue(STRANGER))).status);
    const burst = await Promise.all(Array.from({ length: 25 }, () => signIn(hook, basicHeaderValue(STRANGER))));
    statuses.push(...burst.map((reply) => reply.status));
    expect(new Set(statuses)).toStrictEqual(new Set([401]));
    // One read of AWSCURRENT: the client's three attempts at it. Then the back-off: no call at all.
    expect(operations(server)).toStrictEqual(Array(3).fill('GetSecretValue AWSCURRENT'));
    expect(await signIn(hook, basicHeaderValue(OLD))).toMatchObject({ status: 401 });
    expect(lastLogOf(hook)).toMatchObject({ reason: 'CredentialSourceUnavailable', errorCode: 'SecretReadBackoff' });
    expect(server.calls).toHaveLength(3);

    // The first back-off is at most 1 s; the next request after it reads, and Okta is let in.
    server.fault(undefined);
    vi.setSystemTime(T0 + SECOND);
    expect(await signIn(hook, basicHeaderValue(OLD))).toMatchObject({ status: 200 });
    expect(server.calls).toHaveLength(4);
  });

  it('after a good read: wrong credentials cost one bounded attempt to learn AWSPREVIOUS, and Okta is never locked out', async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    setClock(T0);
    const hook = await hookOverHttp(server);
    expect(await signIn(hook, basicHeaderValue(OLD))).toMatchObject({ status: 200 });
    expect(operations(server)).toStrictEqual(['GetSecretValue AWSCURRENT']);

    server.fault({ status: 500 });
    for (let i = 0; i < 50; i++) {
      expect((await signIn(hook, basicHeaderValue(STRANGER))).status).toBe(401);
      expect((await signIn(hook, basicHeaderValue(OLD))).status).toBe(200);
    }
    // AWSCURRENT, AWSPREVIOUS and when AWSCURRENT moved, each tried three times by the client; then the back-off.
    expect(operations(server, 1).sort()).toStrictEqual([
      ...Array(3).fill('DescribeSecret'),
      ...Array(3).fill('GetSecretValue AWSCURRENT'),
      ...Array(3).fill('GetSecretValue AWSPREVIOUS'),
    ]);
  });
});

describe('every answer within 1 s', () => {
  it('a hung AWSPREVIOUS holds up only a request that needs it, and that one answers 401 within 1 s', async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    server.rotate(NEW, T0 - HOUR);
    setClock(T0);
    const hook = await hookOverHttp(server);
    expect(await signIn(hook, basicHeaderValue(NEW))).toMatchObject({ status: 200 });
    expect(operations(server)).toStrictEqual(['GetSecretValue AWSCURRENT']);

    server.fault({ hang: true }, (call) => call.input.VersionStage === 'AWSPREVIOUS');
    const old = signIn(hook, basicHeaderValue(OLD));
    await vi.waitFor(() => expect(server.hanging).toBe(1));
    expect(await signIn(hook, basicHeaderValue(NEW))).toMatchObject({ status: 200 });
    // Answered while the AWSPREVIOUS read was still open: it did not wait for it.
    expect(server.hanging).toBe(1);
    // Refused at its deadline (DeadlineExceeded below) while the read still hangs.
    const reply = await old;
    expect(reply.status).toBe(401);
    expect(hook.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.status === 401)).toMatchObject({
      reason: 'CredentialSourceUnavailable',
      errorCode: 'DeadlineExceeded',
    });
  });

  it('the credential read and the store lookup share one budget: a slow read leaves the store less time', async () => {
    // The hook itself with in-memory ports, on a fake clock: the read takes 250 ms, the store never
    // answers. Alone, its 800 ms would end 1050 ms in; with one budget it is cut at the request's 900 ms.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const output = capturedOutput();
    let lookup: DeadlineSignal | undefined;
    const store: PatientStore = {
      findPatient: (_userKey, deadline) =>
        new Promise((_resolve, reject) => {
          lookup = deadline;
          deadline.addEventListener('abort', () => reject(deadline.reason), { once: true });
        }),
      checkReadable: async () => {},
    };
    const readTakes = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    const handle = createHookHandler({
      config: loadConfig({ ...LOCAL_DEFAULTS, STORE_TIMEOUT_MS: '800' }),
      store,
      caller: createBasicCallerAuthenticator({
        acceptedCredentials: async () => {
          await readTakes(250);
          return [{ ...OLD, version: { id: 'v1', stage: 'AWSCURRENT' } }];
        },
      }),
      log: output.log,
      requests: output.requests,
    });
    const answer = handle(hookEvent({ body: PATIENT_REQUEST, authorization: basicHeaderValue(OLD) }));
    await vi.advanceTimersByTimeAsync(250);
    expect(lookup?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(REQUEST_BUDGET_MS - 250 - 1);
    expect(lookup?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(lookup?.aborted).toBe(true);
    expect((await answer).statusCode).toBe(204);
    expect(JSON.parse(output.logs.at(-1) as string)).toMatchObject({ reason: 'StoreFailure', errorCode: 'DeadlineExceeded' });
  });

  it.each([
    ['slow (250 ms a call)', { delayMs: 250 }, [200, 200]],
    ['hung', { hang: true }, [401, 401]],
  ] as const)('with every Secrets Manager call %s, the first sign-ins after a rotation answer within 1 s', async (_, fault, expected) => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    server.rotate(NEW, T0 - HOUR);
    server.fault(fault);
    setClock(T0);
    const hook = await hookOverHttp(server);
    // Within 1 s by construction, not by a stopwatch: a slow sign-in makes at most three 250 ms calls in
    // a row; a hung one is cut by the request's deadline (DeadlineExceeded), and the next is refused at
    // once by the read's backoff (SecretReadBackoff).
    const answered = async (credential: BasicCredential) => {
      const before = server.calls.length;
      const { status } = await signIn(hook, basicHeaderValue(credential));
      return { status, calls: server.calls.length - before, errorCode: lastLogOf(hook).errorCode };
    };
    const answers = [await answered(NEW), await answered(OLD)];
    expect(answers.map(({ status }) => status)).toStrictEqual([...expected]);
    for (const answer of answers) {
      if (answer.status === 200) expect(answer.calls).toBeLessThanOrEqual(3);
      else expect(answer.errorCode).toMatch(/^(DeadlineExceeded|SecretReadBackoff)$/);
    }
    if (expected[0] === 401) expect(lastLogOf(hook)).toMatchObject({ reason: 'CredentialSourceUnavailable' });
  });
});

/** The four steps Secrets Manager asks of the rotation function, each at its own time (default: all now). */
async function rotateWithFunction(
  server: FakeSecretsManager,
  times: Partial<Record<'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret', number>> = {},
) {
  const client = sdkClient(server);
  const token = server.startRotation();
  const quiet = vi.spyOn(console, 'info').mockImplementation(() => undefined);
  try {
    for (const Step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
      if (times[Step] !== undefined) vi.setSystemTime(times[Step]);
      await rotateBasicCredential(client, { Step, SecretId: server.arn, ClientRequestToken: token });
    }
  } finally {
    quiet.mockRestore();
  }
  return token;
}

describe('the grace counts from when a version became AWSCURRENT', () => {
  it('after a late rotation by the rotation function (createSecret 25 h before finishSecret), an instance born later accepts the old value until exactly the move + the grace', async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    setClock(T0 - 25 * HOUR);
    const token = await rotateWithFunction(server, { finishSecret: T0 });
    expect(server.tags.get(CURRENT_SINCE_TAG)).toBe(`${token} ${T0 / 1000}`);
    const NEW_BY_FUNCTION = JSON.parse(server.versions.get(token)?.secretString ?? '') as BasicCredential;
    treatAsSecret(NEW_BY_FUNCTION.password);
    treatAsSecret(basicHeaderValue(NEW_BY_FUNCTION).slice('Basic '.length));
    // Something else touches the secret after the move: a tag, as an operator or a tagging policy would.
    vi.setSystemTime(T0 + 20 * HOUR);
    await sdkClient(server).send(new TagResourceCommand({ SecretId: SECRET_ID, Tags: [{ Key: 'CostCentre', Value: '42' }] }));

    vi.setSystemTime(T0 + 23 * HOUR);
    const hook = await coldStart(server.endpoint);
    expect(await hook.status(NEW_BY_FUNCTION)).toBe(200);
    expect(await hook.status(OLD)).toBe(200);
    vi.setSystemTime(T0 + DAY - 1);
    expect(await hook.status(OLD)).toBe(200);
    vi.setSystemTime(T0 + DAY);
    expect(await hook.status(OLD)).toBe(401);
    expect(await hook.status(NEW_BY_FUNCTION)).toBe(200);
  });

  it("does not reopen the grace for an instance born after a later change: the next rotation's AWSPENDING left by a failed testSecret", async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    setClock(T0);
    const token = await rotateWithFunction(server);
    const NEW_BY_FUNCTION = JSON.parse(server.versions.get(token)?.secretString ?? '') as BasicCredential;
    treatAsSecret(NEW_BY_FUNCTION.password);
    treatAsSecret(basicHeaderValue(NEW_BY_FUNCTION).slice('Basic '.length));
    // 30 h on, the next rotation starts and stops after createSecret: the secret changed, AWSCURRENT did not.
    vi.setSystemTime(T0 + 30 * HOUR);
    const pending = server.startRotation();
    await rotateBasicCredential(sdkClient(server), { Step: 'createSecret', SecretId: server.arn, ClientRequestToken: pending });
    expect(await sdkClient(server).send(new DescribeSecretCommand({ SecretId: SECRET_ID }))).toMatchObject({
      LastChangedDate: new Date(T0 + 30 * HOUR),
    });

    vi.setSystemTime(T0 + 30 * HOUR + MINUTE);
    const hook = await coldStart(server.endpoint);
    expect(await hook.status(NEW_BY_FUNCTION)).toBe(200);
    expect(await hook.status(OLD)).toBe(401);
    expect(hook.lastLog()).toMatchObject({ reason: 'Unauthorized' });
  });

  it('after a late rotation by hand (AWSPENDING created 25 h before it became current, no tag), the old value is accepted for the grace from LastChangedDate', async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    const client = sdkClient(server);
    const oldId = versionIdOf(server, 'AWSCURRENT');
    setClock(T0 - 25 * HOUR);
    const token = server.startRotation();
    await client.send(
      new PutSecretValueCommand({
        SecretId: SECRET_ID,
        ClientRequestToken: token,
        SecretString: JSON.stringify(NEW),
        VersionStages: ['AWSPENDING'],
      }),
    );
    // The rotation's last step runs a day later (a retried rotation, an operator finishing it by hand).
    vi.setSystemTime(T0);
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: SECRET_ID,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: token,
        RemoveFromVersionId: oldId,
      }),
    );

    vi.setSystemTime(T0 + HOUR);
    const hook = await coldStart(server.endpoint);
    expect(await hook.status(NEW)).toBe(200);
    expect(await hook.status(OLD)).toBe(200);
    vi.setSystemTime(T0 + DAY - MINUTE);
    expect(await hook.status(OLD)).toBe(200);
    vi.setSystemTime(T0 + DAY + MINUTE);
    expect(await hook.status(OLD)).toBe(401);
    expect(await hook.status(NEW)).toBe(200);
  });

  it('after a rollback (the tag names the version rolled away from), the value that became AWSPREVIOUS is accepted for the grace from LastChangedDate', async () => {
    const server = await secretsManager(OLD, T0 - 30 * DAY);
    const client = sdkClient(server);
    const oldId = versionIdOf(server, 'AWSCURRENT');
    const newId = server.rotate(NEW, T0 - 10 * DAY);
    expect(server.tags.get(CURRENT_SINCE_TAG)).toBe(`${newId} ${(T0 - 10 * DAY) / 1000}`);
    // Okta has sent NEW for ten days; an operator rolls back as AWS's guide says, moving AWSCURRENT to the old version.
    setClock(T0);
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: SECRET_ID,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: oldId,
        RemoveFromVersionId: newId,
      }),
    );

    vi.setSystemTime(T0 + HOUR);
    const hook = await coldStart(server.endpoint);
    expect(await hook.status(OLD)).toBe(200);
    expect(await hook.status(NEW)).toBe(200);
    vi.setSystemTime(T0 + DAY - MINUTE);
    expect(await hook.status(NEW)).toBe(200);
    vi.setSystemTime(T0 + DAY + MINUTE);
    expect(await hook.status(NEW)).toBe(401);
    expect(await hook.status(OLD)).toBe(200);
  });
});
