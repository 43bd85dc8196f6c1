import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamoDbProcess } from '../../local/embedded-dynamodb.ts';
import { prepareLocalStore } from '../../local/local-environment.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager.ts';
import { type HookReply, type LocalHook, sendToHook, startLocalHook } from '../support/local-hook.ts';

// GET /health over HTTP, as npm start serves it: the local API Gateway, the handler wired from the
// environment, and the embedded store in a process of its own, which the tests pause and stop.
const WRONG_CREDENTIAL = `Basic ${Buffer.from('admin:not-the-password').toString('base64')}`;
// Node's HTTP framing, on any answer; past these, a health answer's headers are its own two.
const FRAMING = new Set(['connection', 'content-length', 'date', 'keep-alive', 'transfer-encoding']);

describe('GET /health over HTTP', () => {
  let store: EmbeddedDynamoDbProcess;
  let hook: LocalHook;
  beforeAll(async () => {
    store = (await prepareLocalStore({ DYNAMODB_PORT: '0' })).embedded as EmbeddedDynamoDbProcess;
    hook = await startLocalHook({ storeEndpoint: store.endpoint });
  });
  afterAll(async () => {
    await hook?.close();
    await store?.close();
  });

  const health = (options: { authorization?: string | null; method?: string } = {}) =>
    sendToHook(hook, undefined, { path: '/health', method: 'GET', authorization: null, ...options });
  /** The request line the handler wrote for the last answer. */
  const lastRequestLine = () =>
    hook.logs.map((line) => JSON.parse(line) as Record<string, unknown>).findLast((line) => line.reason !== undefined);
  const expectOnlyStatus = (reply: HookReply, status: 'ok' | 'unavailable') => {
    expect(reply.text).toBe(JSON.stringify({ status }));
    expect([...reply.headers.keys()].filter((name) => !FRAMING.has(name)).sort()).toStrictEqual(['cache-control', 'content-type']);
    expect(reply.headers.get('cache-control')).toBe('no-store');
  };

  it('answers 200 {"status":"ok"} with the store up, with no credential or a wrong one', async () => {
    for (const authorization of [null, WRONG_CREDENTIAL]) {
      const reply = await health({ authorization });
      expect(reply.status).toBe(200);
      expectOnlyStatus(reply, 'ok');
    }
    expect(lastRequestLine()).toMatchObject({ reason: 'HealthCheckPassed' });
  });

  it('answers HEAD like GET, without a body', async () => {
    const reply = await health({ method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');
  });

  it('refuses POST with 405 and Allow, credential or not', async () => {
    const reply = await sendToHook(hook, {}, { path: '/health', authorization: null });
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('GET, HEAD');
  });

  it("answers 503 at the store's deadline while the store hangs, and 200 once it is back", async () => {
    process.kill(store.pid, 'SIGSTOP');
    let reply: HookReply;
    try {
      reply = await health({ authorization: WRONG_CREDENTIAL });
    } finally {
      process.kill(store.pid, 'SIGCONT');
    }
    expect(reply.status).toBe(503);
    expectOnlyStatus(reply, 'unavailable');
    // The handler's own answer at its deadline, not the client or the server giving up.
    expect(lastRequestLine()).toMatchObject({ level: 'ERROR', reason: 'HealthCheckFailed', status: 503, errorCode: 'DeadlineExceeded' });
    expect((await health()).status).toBe(200);
  });

  it('answers 503 {"status":"unavailable"} once the store has stopped', async () => {
    await store.close();
    const reply = await health();
    expect(reply.status).toBe(503);
    expectOnlyStatus(reply, 'unavailable');
    // Refused, so answered without waiting for the deadline.
    expect(lastRequestLine()).toMatchObject({ level: 'ERROR', reason: 'HealthCheckFailed', status: 503, errorCode: 'ECONNREFUSED' });
  });
});

describe('GET /health over HTTP, with the Basic credential in Secrets Manager', () => {
  const CREDENTIAL = { username: 'okta-hook', password: 'health-check-credential-0123456789abcdef' };
  let store: EmbeddedDynamoDbProcess;
  let secrets: FakeSecretsManager;
  const hooks: LocalHook[] = [];
  beforeAll(async () => {
    store = (await prepareLocalStore({ DYNAMODB_PORT: '0' })).embedded as EmbeddedDynamoDbProcess;
    secrets = await startFakeSecretsManager(CREDENTIAL);
  });
  afterAll(async () => {
    for (const hook of hooks) await hook.close();
    await secrets?.close();
    await store?.close();
  });
  /** A function instance as Lambda starts it: init reads the credential, then requests come. */
  const startInstance = async () => {
    const hook = await startLocalHook({
      env: { HOOK_SECRET_ID: secrets.arn, AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint },
      storeEndpoint: store.endpoint,
      init: true,
    });
    hooks.push(hook);
    return hook;
  };
  const health = (hook: LocalHook) => sendToHook(hook, undefined, { path: '/health', method: 'GET', authorization: null });

  it('answers 200 from the credential it holds, asking Secrets Manager nothing more', async () => {
    const hook = await startInstance();
    const callsAfterInit = secrets.calls.length;
    for (let round = 0; round < 3; round++) expect((await health(hook)).status).toBe(200);
    expect(secrets.calls.slice(callsAfterInit)).toStrictEqual([]);
  });

  it("answers 503 while the credential cannot be read, as this instance would refuse Okta's every call", async () => {
    secrets.fault({ status: 500 });
    try {
      const hook = await startInstance();
      const reply = await health(hook);
      expect(reply.status).toBe(503);
      expect(reply.text).toBe(JSON.stringify({ status: 'unavailable' }));
      const line = hook.logs.map((each) => JSON.parse(each) as Record<string, unknown>).findLast((each) => each.reason !== undefined);
      expect(line).toMatchObject({ level: 'ERROR', reason: 'HealthCheckFailed', status: 503, errorCode: 'InternalServiceError' });
    } finally {
      secrets.fault(undefined);
    }
  });
});
