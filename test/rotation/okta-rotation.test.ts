import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { JWK } from 'jose';
import { testRsaKeyPair } from '../support/test-rsa-keys.ts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { basicHeaderValue, type BasicCredential } from '../../lambda/core/basic-auth.ts';
import { TOKEN_TRANSFORM_EVENT } from '../../lambda/core/hook-request.ts';
import { INLINE_HOOKS_SCOPE } from '../../lambda/okta/service-app.ts';
import type { OktaHookTarget } from '../../lambda/rotation/okta-hook-target.ts';
import { oktaTargetFromEnvironment, rotateBasicCredential, type RotationStep } from '../../lambda/rotation/rotate-basic-credential.ts';
import type { EmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { FAKE_SECRET_REGION, type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager.ts';
import { treatAsSecret } from '../support/captured-output.ts';
import { loadFixture } from '../support/fixtures.ts';
import { type LocalHook, sendToHook, startLocalHook } from '../support/local-hook.ts';
import { type FakeOkta, startFakeOkta, type StoredHook } from '../oauth/support/fake-okta.ts';
import { startSeededStore } from '../support/seeded-store.ts';

// A whole rotation of the hook's Basic credential as Secrets Manager runs it: the real rotation steps,
// through the real SDK, against the fake Secrets Manager (the hook's secret, and the Okta credential
// secret), the fake Okta Management API (org token endpoint with private_key_jwt, inline hooks, execute),
// and the real hook over HTTP reading the same fake Secrets Manager, which Okta's execute really calls.
const OLD: BasicCredential = { username: 'okta-hook', password: 'Old0Rotation0Password0Xxxxxxxxxxxx' };
treatAsSecret(OLD.password);
treatAsSecret(basicHeaderValue(OLD).slice('Basic '.length));
const CLIENT_ID = '0oaRotationService01';
const STEPS: RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
// The hook signs its Secrets Manager calls for us-east-1 (local defaults), the rotation for FAKE_SECRET_REGION:
// a fault can pick the hook's calls alone.
const HOOK_REGION = 'us-east-1';
// Two regions (docs/regions.md): the region of the secret's replica, whose hook reads the replica.
const REPLICA_REGION = 'us-west-2';
const PATIENT_REQUEST = JSON.stringify(loadFixture('okta-example-patient'));

let store: EmbeddedDynamoDb;
let privateKeyJwk: JWK;
let publicJwk: JWK;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  store = await startSeededStore();
  const pair = await testRsaKeyPair();
  privateKeyJwk = { ...pair.privateJwk, kid: 'rotation-key-1', alg: 'RS256' };
  publicJwk = { ...pair.publicJwk, kid: 'rotation-key-1', alg: 'RS256' };
  treatAsSecret(privateKeyJwk.d as string);
});
afterAll(() => store.close());
beforeEach(() => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanup.length > 0) await cleanup.pop()?.();
});

interface World {
  sm: FakeSecretsManager;
  /** With a replica region: the replica, which the hook reads, and which follows the primary only at `replicate()`. */
  replica?: FakeSecretsManager;
  /** What Secrets Manager's replication does: the replica takes the primary's versions, labels and tags. */
  replicate(): void;
  okta: FakeOkta;
  hook: LocalHook;
  hookId: string;
  client: SecretsManagerClient;
  target: () => Promise<OktaHookTarget>;
  step(step: RotationStep, token: string): Promise<void>;
  /** The header secret Okta holds for the hook. */
  oktaSends(): string;
  /** Sets it in Okta directly, as an admin would in the console. */
  setOktaSends(value: string): void;
  /** What the hook answers Okta's sign-in call with this header. */
  hookAnswers(authorization: string): Promise<number>;
  stageHolder(stage: string): string | undefined;
  valueOf(versionId: string): BasicCredential;
}

async function world({
  requireDpop = false,
  registeredKey = publicJwk,
  okta: oktaCredential,
  replica: replicaLag,
}: {
  requireDpop?: boolean;
  registeredKey?: JWK;
  okta?: object;
  /** A replica region whose hook Okta calls, and whether its replica catches up while the rotation waits for it. */
  replica?: 'catches up while waited for' | 'never catches up';
} = {}): Promise<World> {
  const sm = await startFakeSecretsManager(OLD, { name: 'OktaHookCredential' });
  const replica = replicaLag ? await startFakeSecretsManager(OLD, { name: sm.name }) : undefined;
  const replicate = () => {
    if (!replica) return;
    replica.versions.clear();
    for (const [id, version] of sm.versions) replica.versions.set(id, structuredClone(version));
    replica.tags.clear();
    for (const [key, value] of sm.tags) replica.tags.set(key, value);
    replica.lastChangedAt = sm.lastChangedAt;
  };
  replicate();
  const oktaSecret = await startFakeSecretsManager(JSON.stringify(oktaCredential ?? { clientId: CLIENT_ID, privateKeyJwk }), {
    name: 'OktaServiceCredential',
  });
  // Strict about a 204 from execute (Okta does not document it): the rotation check must not need one.
  const okta = await startFakeOkta({ executeNoContent: 'refused' });
  okta.addServiceApp({ clientId: CLIENT_ID, publicJwk: registeredKey, scopes: [INLINE_HOOKS_SCOPE], requireDpop });
  // With a replica region, the hook Okta calls is that region's, reading the replica by its name.
  const hook = await startLocalHook({
    env: replica
      ? { HOOK_SECRET_ID: replica.name, AWS_ENDPOINT_URL_SECRETS_MANAGER: replica.endpoint }
      : { HOOK_SECRET_ID: sm.arn, AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint },
    storeEndpoint: store.endpoint,
  });
  cleanup.push(
    () => sm.close(),
    async () => replica?.close(),
    () => oktaSecret.close(),
    () => okta.close(),
    () => hook.close(),
  );
  const stored = okta.addHook({
    status: 'ACTIVE',
    name: 'Patient token hook',
    type: TOKEN_TRANSFORM_EVENT,
    version: '1.0.0',
    channel: {
      type: 'HTTP',
      version: '1.0.0',
      config: {
        uri: hook.hookUrl,
        method: 'POST',
        headers: [{ key: 'X-Deployment', value: 'test' }],
        authScheme: { type: 'HEADER', key: 'Authorization', value: basicHeaderValue(OLD) },
      },
    },
  });
  const sdk = (endpoint: string, region = FAKE_SECRET_REGION) => {
    const client = new SecretsManagerClient({
      endpoint,
      region,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    cleanup.push(async () => client.destroy());
    return client;
  };
  const client = sdk(sm.endpoint);
  const fromEnvironment = oktaTargetFromEnvironment(sdk(oktaSecret.endpoint), {
    OKTA_ORG_URL: okta.orgUrl,
    OKTA_HOOK_ID: stored.id,
    OKTA_CREDENTIAL_SECRET_ID: oktaSecret.arn,
  });
  // As deployed, but Okta's execute is tried again after 50 ms, not 6 s.
  const target = async () => ({ ...(await fromEnvironment()), executeRetryDelayMs: 50 });
  const valueOfVersion = (versionId: string) => JSON.parse(sm.versions.get(versionId)?.secretString ?? 'null') as BasicCredential;
  // As deployed, but asked again at once, not after 3 s: the wait is where the lagging replica catches up, or not.
  const replicas = replica && {
    regions: [{ region: REPLICA_REGION, client: sdk(replica.endpoint, REPLICA_REGION) }],
    sleep: async () => {
      if (replicaLag === 'catches up while waited for') replicate();
    },
  };
  return {
    sm,
    ...(replica ? { replica } : {}),
    replicate,
    okta,
    hook,
    hookId: stored.id,
    client,
    target,
    async step(step, token) {
      const reachesOkta = step === 'setSecret' || step === 'testSecret';
      await rotateBasicCredential(
        client,
        { Step: step, SecretId: sm.arn, ClientRequestToken: token },
        reachesOkta ? await target() : undefined,
        replicas,
      );
      if (step === 'createSecret') {
        const created = valueOfVersion(token);
        treatAsSecret(created.password);
        treatAsSecret(basicHeaderValue(created).slice('Basic '.length));
      }
    },
    oktaSends: () => okta.hooks.get(stored.id)?.channel.config.authScheme.value as string,
    setOktaSends: (value) => {
      (okta.hooks.get(stored.id) as StoredHook).channel.config.authScheme.value = value;
    },
    hookAnswers: async (authorization) => (await sendToHook(hook, PATIENT_REQUEST, { authorization })).status,
    stageHolder: (stage) => [...sm.versions].find(([, version]) => version.stages.includes(stage))?.[0],
    valueOf: valueOfVersion,
  };
}

describe('a whole rotation against Okta, Secrets Manager and the hook', () => {
  it.each([
    ['a service app (private_key_jwt)', { requireDpop: false }],
    ['a service app that requires DPoP', { requireDpop: true }],
  ])(
    'with %s: Okta ends with the new credential, its execute call succeeded, and the hook accepts old and new throughout',
    async (_, options) => {
      const w = await world(options);
      const token = w.sm.startRotation();
      const oldId = w.stageHolder('AWSCURRENT') as string;
      for (const step of STEPS) {
        // Each step twice: Secrets Manager may call one again.
        await w.step(step, token);
        await w.step(step, token);
        const pending = w.valueOf(token);
        expect([step, await w.hookAnswers(basicHeaderValue(OLD)), await w.hookAnswers(basicHeaderValue(pending))]).toStrictEqual([
          step,
          200,
          200,
        ]);
      }
      const fresh = w.valueOf(token);
      expect(fresh.username).toBe(OLD.username);
      expect(fresh.password).not.toBe(OLD.password);
      expect(w.stageHolder('AWSCURRENT')).toBe(token);
      expect(w.stageHolder('AWSPREVIOUS')).toBe(oldId);
      expect(w.oktaSends()).toBe(basicHeaderValue(fresh));
      // Okta's PUT replaced the whole hook: everything but the secret is as it was.
      expect(w.okta.hooks.get(w.hookId)?.channel.config).toMatchObject({
        uri: w.hook.hookUrl,
        method: 'POST',
        headers: [{ key: 'X-Deployment', value: 'test' }],
        authScheme: { type: 'HEADER', key: 'Authorization' },
      });
      // Okta's execute reached the hook and its rotation check passed: 200 with a valid empty answer.
      expect(w.okta.hookCalls).toStrictEqual([
        { hookId: w.hookId, status: 200 },
        { hookId: w.hookId, status: 200 },
      ]);
      const executes = w.okta.requests.filter((request) => request.path.endsWith('/execute'));
      expect(executes.map((request) => request.body.eventId)).toStrictEqual([
        `okta-token-hook-rotation-check:${token}`,
        `okta-token-hook-rotation-check:${token}`,
      ]);
      // The Management API was called with the service app's access token, never an API token.
      expect(
        new Set(
          w.okta.requests.filter((request) => request.path.startsWith('/api/')).map((request) => request.authorization?.split(' ')[0]),
        ),
      ).toStrictEqual(new Set([options.requireDpop ? 'DPoP' : 'Bearer']));
      const log = JSON.stringify(w.hook.logs);
      expect(log).not.toContain(fresh.password);
    },
  );

  it('works with an SSWS API token in the Okta credential secret, the fallback', async () => {
    const { API_TOKEN } = await import('../oauth/support/fake-okta.ts');
    const w = await world({ okta: { apiToken: API_TOKEN } });
    const token = w.sm.startRotation();
    for (const step of STEPS) await w.step(step, token);
    expect(w.oktaSends()).toBe(basicHeaderValue(w.valueOf(token)));
    expect(w.okta.requests.some((request) => request.path.includes('/oauth2/'))).toBe(false);
  });
});

describe('a rotation step that fails leaves AWSCURRENT as it was and Okta sending a credential the hook accepts', () => {
  async function afterFailure(w: World, token: string, failingStep: RotationStep, message: RegExp, oldId: string) {
    for (const step of STEPS) {
      if (step === failingStep) {
        await expect(w.step(step, token)).rejects.toThrow(message);
        break;
      }
      await w.step(step, token);
    }
    expect(w.stageHolder('AWSCURRENT')).toBe(oldId);
    expect(await w.hookAnswers(w.oktaSends())).toBe(200);
  }

  it('setSecret: Okta answers 500 to the PUT of the hook', async () => {
    const w = await world();
    const oldId = w.stageHolder('AWSCURRENT') as string;
    w.okta.fault({ method: 'PUT', path: /^\/api\/v1\/inlineHooks\//, status: 500 });
    await afterFailure(w, w.sm.startRotation(), 'setSecret', /Okta answered 500 to PUT \/api\/v1\/inlineHooks\//, oldId);
    expect(w.oktaSends()).toBe(basicHeaderValue(OLD));
  });

  it("setSecret: the org token endpoint refuses the service app's client assertion (another key registered)", async () => {
    const other = await testRsaKeyPair([privateKeyJwk]);
    const w = await world({ registeredKey: { ...other.publicJwk, kid: 'rotation-key-1', alg: 'RS256' } });
    const oldId = w.stageHolder('AWSCURRENT') as string;
    await afterFailure(w, w.sm.startRotation(), 'setSecret', /org token endpoint answered 401: invalid_client/, oldId);
    expect(w.oktaSends()).toBe(basicHeaderValue(OLD));
    expect(w.okta.writes().filter((request) => request.path.startsWith('/api/'))).toStrictEqual([]);
  });

  it("testSecret: Okta's execute gets the hook's 401 (the hook cannot read the pending version); Okta gets the old credential back", async () => {
    const w = await world();
    const oldId = w.stageHolder('AWSCURRENT') as string;
    const token = w.sm.startRotation();
    await w.step('createSecret', token);
    await w.step('setSecret', token);
    expect(await w.hookAnswers(basicHeaderValue(OLD))).toBe(200);
    // From here the hook's own Secrets Manager calls fail: it knows AWSCURRENT only.
    w.sm.fault({ status: 500 }, (call) => call.region === HOOK_REGION);
    await expect(w.step('testSecret', token)).rejects.toThrow(
      /Okta could not call the hook with the pending credential.*Okta has the current credential back.*responded with status 401/s,
    );
    w.sm.fault(undefined);
    // Okta's execute retried once itself; the rotation asked three times.
    expect(w.okta.hookCalls.map((call) => call.status)).toStrictEqual([401, 401, 401, 401, 401, 401]);
    expect(w.oktaSends()).toBe(basicHeaderValue(OLD));
    expect(w.stageHolder('AWSCURRENT')).toBe(oldId);
    // The failed version no longer AWSPENDING: nobody holds it, the next rotation starts afresh.
    expect(w.sm.versions.get(token)?.stages).toStrictEqual([]);
    expect(await w.hookAnswers(basicHeaderValue(OLD))).toBe(200);
    // finishSecret for it now refuses: the old credential stays current.
    await expect(w.step('finishSecret', token)).rejects.toThrow(/not staged as AWSPENDING/);
    expect(w.stageHolder('AWSCURRENT')).toBe(oldId);
  });

  it("testSecret: Okta holds the AWSCURRENT value again (an operator's edit in the console); the check fails, Okta keeps a value the hook accepts, AWSCURRENT stays", async () => {
    const w = await world();
    const oldId = w.stageHolder('AWSCURRENT') as string;
    const token = w.sm.startRotation();
    await w.step('createSecret', token);
    await w.step('setSecret', token);
    // The hook accepts AWSCURRENT too: only the check's own marker can tell Okta holds the wrong one.
    w.setOktaSends(basicHeaderValue(OLD));
    await expect(w.step('testSecret', token)).rejects.toThrow(
      /Okta could not call the hook with the pending credential.*Okta has the current credential back.*responded with status 401/s,
    );
    expect(w.okta.hookCalls.map((call) => call.status)).toStrictEqual([401, 401, 401, 401, 401, 401]);
    expect(w.stageHolder('AWSCURRENT')).toBe(oldId);
    expect(w.oktaSends()).toBe(basicHeaderValue(OLD));
    expect(await w.hookAnswers(w.oktaSends())).toBe(200);
    expect(w.sm.versions.get(token)?.stages).toStrictEqual([]);
    await expect(w.step('finishSecret', token)).rejects.toThrow(/not staged as AWSPENDING/);
    expect(w.stageHolder('AWSCURRENT')).toBe(oldId);
  });

  it('testSecret: execute fails and Okta cannot be given the AWSCURRENT value back; AWSPENDING stays, so the hook accepts what Okta sends, and the error says so', async () => {
    const w = await world();
    const oldId = w.stageHolder('AWSCURRENT') as string;
    const token = w.sm.startRotation();
    await w.step('createSecret', token);
    await w.step('setSecret', token);
    w.okta.fault([
      { method: 'POST', path: /\/execute$/, status: 500 },
      { method: 'PUT', path: /^\/api\/v1\/inlineHooks\//, status: 500 },
    ]);
    await expect(w.step('testSecret', token)).rejects.toThrow(
      /Okta could NOT be given the current credential back: the hook still accepts the pending one.*Okta answered 500/s,
    );
    w.okta.fault(undefined);
    expect(w.sm.versions.get(token)?.stages).toStrictEqual(['AWSPENDING']);
    expect(w.stageHolder('AWSCURRENT')).toBe(oldId);
    expect(w.oktaSends()).toBe(basicHeaderValue(w.valueOf(token)));
    expect(await w.hookAnswers(w.oktaSends())).toBe(200);
  });

  it('createSecret: Secrets Manager fails PutSecretValue', async () => {
    const w = await world();
    const oldId = w.stageHolder('AWSCURRENT') as string;
    w.sm.fault({ status: 500 }, (call) => call.operation === 'PutSecretValue');
    await afterFailure(w, w.sm.startRotation(), 'createSecret', /InternalServiceError|server side/, oldId);
    expect(w.okta.writes()).toStrictEqual([]);
  });

  it('finishSecret: Secrets Manager fails UpdateSecretVersionStage; Okta sends the pending value, which the hook still accepts', async () => {
    const w = await world();
    const oldId = w.stageHolder('AWSCURRENT') as string;
    const token = w.sm.startRotation();
    w.sm.fault({ status: 500 }, (call) => call.operation === 'UpdateSecretVersionStage');
    await afterFailure(w, token, 'finishSecret', /InternalServiceError|server side/, oldId);
    expect(w.oktaSends()).toBe(basicHeaderValue(w.valueOf(token)));
    w.sm.fault(undefined);
    // Secrets Manager calls finishSecret again: the rotation completes.
    await w.step('finishSecret', token);
    expect(w.stageHolder('AWSCURRENT')).toBe(token);
    expect(await w.hookAnswers(w.oktaSends())).toBe(200);
  });

  it('refuses a hook that authenticates with OAuth 2.0, naming why, and changes nothing in Okta', async () => {
    const w = await world();
    const stored = w.okta.hooks.get(w.hookId);
    if (stored)
      stored.channel = {
        type: 'OAUTH',
        version: '1.0.0',
        config: {
          uri: w.hook.hookUrl,
          method: 'POST',
          authType: 'client_secret_post',
          clientId: 'c',
          clientSecret: 's',
          tokenUrl: 'https://example.okta.com/oauth2/aus1/v1/token',
          scope: 'hook',
        },
      };
    const token = w.sm.startRotation();
    await w.step('createSecret', token);
    await expect(w.step('setSecret', token)).rejects.toThrow(/authenticates with OAuth 2.0: only a hook with HTTP header authentication/);
    expect(w.okta.writes().filter((request) => request.method === 'PUT')).toStrictEqual([]);
  });
});

describe('a rotation with a replica region, whose hook Okta may call (docs/regions.md)', () => {
  it("setSecret gives Okta the pending credential only once the replica holds it, so that region's hook accepts what Okta sends", async () => {
    const w = await world({ replica: 'catches up while waited for' });
    const replica = w.replica as FakeSecretsManager;
    const token = w.sm.startRotation();
    await w.step('createSecret', token);
    // Replication lags: the pending version is in the primary region alone.
    expect(replica.versions.has(token)).toBe(false);
    await w.step('setSecret', token);
    expect(w.oktaSends()).toBe(basicHeaderValue(w.valueOf(token)));
    expect(await w.hookAnswers(w.oktaSends())).toBe(200);
    // The rotation asked the replica's own region, by the name the replicas share.
    const asked = replica.calls.filter((call) => call.operation === 'DescribeSecret' && call.region === REPLICA_REGION);
    expect(asked.map((call) => call.input.SecretId)).toStrictEqual([w.sm.name, w.sm.name]);
    for (const step of ['testSecret', 'finishSecret'] as const) await w.step(step, token);
    w.replicate();
    expect(await w.hookAnswers(w.oktaSends())).toBe(200);
    expect(replica.calls.filter((call) => call.region !== REPLICA_REGION && call.region !== HOOK_REGION)).toStrictEqual([]);
  });

  it('setSecret fails, naming the region, and leaves Okta sending the current credential while the replica never gets the pending version', async () => {
    const w = await world({ replica: 'never catches up' });
    const oldId = w.stageHolder('AWSCURRENT') as string;
    const token = w.sm.startRotation();
    await w.step('createSecret', token);
    await expect(w.step('setSecret', token)).rejects.toThrow(
      new RegExp(`setSecret: the pending version has not reached ${REPLICA_REGION} .*Okta is left as it is`),
    );
    expect(w.okta.writes().filter((request) => request.method === 'PUT')).toStrictEqual([]);
    expect(w.oktaSends()).toBe(basicHeaderValue(OLD));
    expect(await w.hookAnswers(w.oktaSends())).toBe(200);
    expect(w.stageHolder('AWSCURRENT')).toBe(oldId);
  });
});

describe('the Okta credential secret as the rotation reads it', () => {
  it('says it has no value yet when Secrets Manager finds no version (CloudFormation created it empty)', async () => {
    const oktaSecret = await startFakeSecretsManager('unused', { name: 'OktaServiceCredential' });
    cleanup.push(() => oktaSecret.close());
    oktaSecret.versions.clear();
    const client = new SecretsManagerClient({
      endpoint: oktaSecret.endpoint,
      region: FAKE_SECRET_REGION,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    cleanup.push(async () => client.destroy());
    const target = oktaTargetFromEnvironment(client, {
      OKTA_ORG_URL: 'https://example.okta.com',
      OKTA_HOOK_ID: 'cal1',
      OKTA_CREDENTIAL_SECRET_ID: oktaSecret.arn,
    });
    await expect(target()).rejects.toThrow(/^the Okta credential secret has no value yet: fill it/);
  });
});
