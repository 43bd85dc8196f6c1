import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { basicHeaderValue, type BasicCredential } from '../../lambda/core/basic-auth.ts';
import { createUserHasher } from '../../lambda/observability.ts';
import type { EmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { treatAsSecret } from '../support/captured-output.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager.ts';
import { loadFixture } from '../support/fixtures.ts';
import { findLeaks } from '../support/leak-scan.ts';
import { type LocalHook, sendToHook, startLocalHook } from '../support/local-hook.ts';
import { HOOK_AUDIENCE, HOOK_CLIENT_ID, HOOK_SCOPE, type LocalIssuer, startLocalIssuer } from '../oauth/support/local-issuer.ts';
import { startSeededStore } from '../support/seeded-store.ts';

const BASIC_SECRET = 'okta-token-hook/basic-credential';
const HASH_KEY_SECRET = 'okta-token-hook/user-hash-key';
const HASH_KEY = 'Hk7Qz2Lm9Xc4Vb8Nw3Rt6Yp1Sd5Fg0Jh2Kl4Zx6Cv8Bn1Mq3';
const CREDENTIAL: BasicCredential = { username: 'okta-hook', password: 'cur-Tq4w8Ez1Rn6Y' };
treatAsSecret(HASH_KEY);
treatAsSecret(CREDENTIAL.password);

const PATIENT_REQUEST = loadFixture('okta-example-patient');
// The published example's login, as the hook keys it (lower-cased ASCII).
const LOGIN = 'jessie.smith@example.com';
const keyedHash = createUserHasher(HASH_KEY)(LOGIN);

let store: EmbeddedDynamoDb;
const cleanup: Array<() => Promise<void>> = [];
beforeAll(async () => {
  store = await startSeededStore();
});
afterAll(() => store.close());
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
});

async function secretsManager(others: Record<string, string> = { [HASH_KEY_SECRET]: HASH_KEY }): Promise<FakeSecretsManager> {
  const server = await startFakeSecretsManager(CREDENTIAL, { name: BASIC_SECRET, others });
  cleanup.push(() => server.close());
  return server;
}

/** The function as deployed, served over HTTP: both secrets named by ARN, Lambda's init run first. */
async function coldStart(server: FakeSecretsManager, env: Record<string, string> = {}): Promise<LocalHook> {
  const hook = await startLocalHook({
    env: {
      HOOK_SECRET_ID: server.arn,
      USER_HASH_KEY_SECRET_ID: server.arnOf(HASH_KEY_SECRET),
      AWS_ENDPOINT_URL_SECRETS_MANAGER: server.endpoint,
      ...env,
    },
    storeEndpoint: store.endpoint,
    init: true,
  });
  cleanup.push(() => hook.close());
  return hook;
}

const signIn = (hook: LocalHook, credential: BasicCredential = CREDENTIAL) =>
  sendToHook(hook, PATIENT_REQUEST, { authorization: basicHeaderValue(credential) });
const linesOf = (hook: LocalHook) => hook.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
const requestLines = (hook: LocalHook) => linesOf(hook).filter((line) => line.reason !== undefined);
const operations = (server: FakeSecretsManager) => server.calls.map((call) => call.operation);
const keyReads = (server: FakeSecretsManager) =>
  server.calls.filter((call) => call.operation === 'GetSecretValue' && call.input.SecretId === server.arnOf(HASH_KEY_SECRET)).length;

describe('the user-hash key read from Secrets Manager, in Basic mode', () => {
  it('is read at init with the Basic credential in one BatchGetSecretValue, and nothing else is called then', async () => {
    const server = await secretsManager();
    await coldStart(server);
    expect(server.calls).toStrictEqual([
      {
        operation: 'BatchGetSecretValue',
        input: { SecretIdList: [server.arn, server.arnOf(HASH_KEY_SECRET)] },
        region: 'us-east-1',
        at: expect.any(Number),
      },
    ]);
  });

  it('hashes users with the stored key, and a sign-in needs no further call', async () => {
    const server = await secretsManager();
    const hook = await coldStart(server);
    const [first, second] = [await signIn(hook), await signIn(hook)];
    expect([first.status, second.status]).toStrictEqual([200, 200]);
    expect(requestLines(hook).map((line) => line.userHash)).toStrictEqual([keyedHash, keyedHash]);
    expect(operations(server)).toStrictEqual(['BatchGetSecretValue']);
    expect(findLeaks(hook.logs, [HASH_KEY])).toStrictEqual([]);
  });

  it('keeps the Basic check of the batch read when the key cannot be read, and logs no login', async () => {
    // The key's secret is not there: BatchGetSecretValue answers the Basic secret and an error for the key.
    const server = await secretsManager({});
    const hook = await coldStart(server, { USER_HASH_KEY_SECRET_ID: server.arnOf(HASH_KEY_SECRET) });
    expect(operations(server)).toStrictEqual(['BatchGetSecretValue']);
    const warnings = linesOf(hook).filter((line) => line.level === 'WARN');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ errorCode: 'ResourceNotFoundException' });

    expect((await signIn(hook)).status).toBe(200);
    // The Basic credential came with the batch: the sign-in did not read it again.
    expect(server.calls.filter((call) => call.input.SecretId === server.arn)).toStrictEqual([]);
    expect((await signIn(hook, { ...CREDENTIAL, password: 'wrong-Pw9x' })).status).toBe(401);
    const [line] = requestLines(hook);
    expect(line).toMatchObject({ reason: 'ClaimAdded', userHash: expect.stringMatching(/^[\w-]{16}$/) });
    expect(line?.userHash).not.toBe(keyedHash);
    expect(findLeaks(hook.logs, [HASH_KEY])).toStrictEqual([]);
    expect(linesOf(hook).filter((l) => l.level === 'WARN')).toHaveLength(1);
  });

  it('after a failed init read, checks Basic as before and reads the key again on its own, then hashes with it', async () => {
    const server = await secretsManager();
    server.fault({ status: 500 }, (call) => call.operation === 'BatchGetSecretValue');
    const hook = await coldStart(server);
    expect(linesOf(hook).map((line) => line.message)).toStrictEqual([
      'user hash key not read: log lines hash users with a key of this instance until it is',
      'credential not loaded at init',
    ]);

    // The first request reads the Basic secret as today (GetSecretValue) and starts a read of the key.
    expect((await signIn(hook)).status).toBe(200);
    expect((await signIn(hook, { ...CREDENTIAL, password: 'wrong-Pw9x' })).status).toBe(401);
    await vi.waitFor(() => expect(keyReads(server)).toBe(1));
    const before = hook.logs.length;
    await vi.waitFor(async () => {
      await signIn(hook);
      expect(requestLines({ ...hook, logs: hook.logs.slice(before) }).at(-1)?.userHash).toBe(keyedHash);
    });
    const hashes = requestLines(hook).map((line) => line.userHash);
    expect(hashes[0]).not.toBe(keyedHash);
    expect(hashes[0]).toMatch(/^[\w-]{16}$/);
    // Read once, not again once kept.
    expect(keyReads(server)).toBe(1);
    expect(operations(server).filter((operation) => operation === 'BatchGetSecretValue').length).toBeGreaterThan(0);
    expect(findLeaks(hook.logs, [HASH_KEY])).toStrictEqual([]);
    expect(linesOf(hook).filter((line) => line.level === 'WARN')).toHaveLength(1);
  });

  it('never logs a login while the key cannot be read at all', async () => {
    const server = await secretsManager();
    server.fault({ status: 500 }, (call) => call.operation !== 'GetSecretValue' || call.input.SecretId === server.arnOf(HASH_KEY_SECRET));
    const hook = await coldStart(server);
    for (let i = 0; i < 3; i++) expect((await signIn(hook)).status).toBe(200);
    const hashes = requestLines(hook).map((line) => line.userHash);
    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).not.toBe(keyedHash);
    // The key's reads back off after a failure: one read (its client's three attempts) for these requests.
    await vi.waitFor(() => expect(server.hanging).toBe(0));
    expect(keyReads(server)).toBeLessThanOrEqual(3);
    expect(findLeaks(hook.logs, [HASH_KEY])).toStrictEqual([]);
  });
});

describe('the user-hash key read from Secrets Manager, in OAuth mode', () => {
  let issuer: LocalIssuer;
  beforeAll(async () => {
    issuer = await startLocalIssuer();
  });
  afterAll(() => issuer.close());

  it('is read once at init with GetSecretValue, and used for every line', async () => {
    const server = await secretsManager();
    const hook = await startLocalHook({
      env: {
        HOOK_AUTH: 'oauth',
        OAUTH_ISSUER: issuer.issuer,
        OAUTH_AUDIENCE: HOOK_AUDIENCE,
        OAUTH_SCOPE: HOOK_SCOPE,
        OAUTH_CLIENT_ID: HOOK_CLIENT_ID,
        USER_HASH_KEY_SECRET_ID: server.arnOf(HASH_KEY_SECRET),
        AWS_ENDPOINT_URL_SECRETS_MANAGER: server.endpoint,
      },
      storeEndpoint: store.endpoint,
      init: true,
    });
    cleanup.push(() => hook.close());
    expect(server.calls.map((call) => [call.operation, call.input])).toStrictEqual([
      ['GetSecretValue', { SecretId: server.arnOf(HASH_KEY_SECRET) }],
    ]);
    for (let i = 0; i < 2; i++) {
      const reply = await sendToHook(hook, PATIENT_REQUEST, { authorization: `Bearer ${await issuer.sign()}` });
      expect(reply.status).toBe(200);
    }
    expect(requestLines(hook).map((line) => line.userHash)).toStrictEqual([keyedHash, keyedHash]);
    expect(server.calls).toHaveLength(1);
  });
});
