import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CURRENT_SINCE_TAG } from '../../lambda/aws/secrets-manager-credentials.ts';
import { basicHeaderValue } from '../../lambda/core/basic-auth.ts';
import { rotateBasicCredential, type RotationEvent } from '../../lambda/rotation/rotate-basic-credential.ts';
import { main as oktaSecret } from '../../scripts/okta-secret.ts';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/fake-secrets-manager.ts';

// The rotation steps and `npm run okta:secret` against a real HTTP server speaking Secrets Manager's
// JSON protocol, through the real SDK client: no mocks of the SDK.
const OLD = { username: 'okta-hook', password: 'Old0Password0Of0Sixty0Four0Characters0Xxxxxxxxxxxxxxxxxxxxxxxxxxx' };
let sm: FakeSecretsManager;
let client: SecretsManagerClient;
let logged: string[];

beforeAll(async () => {
  sm = await startFakeSecretsManager(JSON.stringify(OLD));
  client = new SecretsManagerClient({
    endpoint: sm.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await sm.close();
});
beforeEach(() => {
  logged = [];
  vi.spyOn(console, 'info').mockImplementation((...args: unknown[]) => void logged.push(args.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

const step = (Step: string, ClientRequestToken: string): RotationEvent => ({ Step, SecretId: sm.arn, ClientRequestToken });
const stageHolder = (stage: string) => [...sm.versions].find(([, version]) => version.stages.includes(stage));
const valueAt = (stage: string) => JSON.parse(stageHolder(stage)?.[1].secretString ?? 'null') as { username: string; password: string };

async function rotate(token: string): Promise<void> {
  for (const name of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) await rotateBasicCredential(client, step(name, token));
}

describe('single-user rotation', () => {
  it('replaces the password, keeps the username and the JSON shape, and keeps the old one as AWSPREVIOUS', async () => {
    const token = sm.startRotation();
    await rotate(token);

    expect(stageHolder('AWSCURRENT')?.[0]).toBe(token);
    const current = valueAt('AWSCURRENT');
    expect(Object.keys(current)).toStrictEqual(['username', 'password']);
    expect(current.username).toBe('okta-hook');
    expect(current.password).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(valueAt('AWSPREVIOUS')).toStrictEqual(OLD);
    expect(sm.calls.find((call) => call.operation === 'GetRandomPassword')?.input).toStrictEqual({
      PasswordLength: 64,
      ExcludePunctuation: true,
      IncludeSpace: false,
      RequireEachIncludedType: true,
    });
  });

  it('tags the secret right after moving AWSCURRENT: the new version id and the epoch second of the move', async () => {
    const movedAt = Date.UTC(2026, 0, 5, 9, 0, 0, 250);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(movedAt);
    try {
      const token = sm.startRotation();
      const from = sm.calls.length;
      await rotate(token);
      const operations = sm.calls.slice(from).map((call) => call.operation);
      expect(operations.slice(-2)).toStrictEqual(['UpdateSecretVersionStage', 'TagResource']);
      // Rounded up to the second: never before the move.
      const value = `${token} ${Math.ceil(movedAt / 1000)}`;
      expect(sm.calls.at(-1)?.input).toStrictEqual({ SecretId: sm.arn, Tags: [{ Key: CURRENT_SINCE_TAG, Value: value }] });
      expect(sm.tags.get(CURRENT_SINCE_TAG)).toBe(value);
      expect(value).toMatch(/^[0-9a-f-]{36} \d{10}$/);
      expect(logged).toContain(`finishSecret: tagged ${CURRENT_SINCE_TAG}: ${value}`);
    } finally {
      vi.useRealTimers();
    }
  });

  it('finishes the rotation when the tag cannot be written, says so in an error line, and the hook falls back to LastChangedDate', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    const token = sm.startRotation();
    sm.fault({ status: 500 }, (call) => call.operation === 'TagResource');
    try {
      await rotate(token);
    } finally {
      sm.fault(undefined);
    }
    expect(stageHolder('AWSCURRENT')?.[0]).toBe(token);
    expect(sm.tags.get(CURRENT_SINCE_TAG) ?? '').not.toContain(token);
    expect(errors).toStrictEqual([`finishSecret: ${CURRENT_SINCE_TAG} not tagged (InternalServiceError): the hook counts the grace from LastChangedDate`]);
  });

  it('is safe to repeat: a retried createSecret or finishSecret changes nothing', async () => {
    const token = sm.startRotation();
    await rotateBasicCredential(client, step('createSecret', token));
    const pending = valueAt('AWSPENDING');
    await rotateBasicCredential(client, step('createSecret', token));
    expect(valueAt('AWSPENDING')).toStrictEqual(pending);

    await rotateBasicCredential(client, step('finishSecret', token));
    const calls = sm.calls.length;
    await rotateBasicCredential(client, step('finishSecret', token));
    expect(sm.calls.slice(calls).map((call) => call.operation)).toStrictEqual(['DescribeSecret']);
    expect(valueAt('AWSCURRENT')).toStrictEqual(pending);
  });

  it('never logs a password', async () => {
    await rotate(sm.startRotation());
    expect(logged.length).toBeGreaterThan(0);
    const passwords = [...sm.versions.values()].map((version) => JSON.parse(version.secretString ?? '{}').password as string);
    for (const line of logged) for (const password of passwords) expect(line).not.toContain(password);
  });

  it.each([
    ['an unknown step', () => step('dropSecret', sm.startRotation()), /unknown rotation step "dropSecret"/],
    ['a token that is not a version', () => step('createSecret', 'no-such-version'), /is not a version of the secret/],
    ['a token that is not pending', () => step('createSecret', [...sm.versions].find(([, v]) => v.stages.length === 0)?.[0] ?? 'x'), /is not staged as AWSPENDING/],
  ])('refuses %s', async (_, event, message) => {
    await rotate(sm.startRotation()); // leaves a version without any stage behind
    await rotate(sm.startRotation());
    await expect(rotateBasicCredential(client, event())).rejects.toThrow(message);
  });

  it('refuses when rotation is not enabled on the secret', async () => {
    sm.rotationEnabled = false;
    try {
      await expect(rotateBasicCredential(client, step('createSecret', sm.startRotation()))).rejects.toThrow(/rotation is not enabled/);
    } finally {
      sm.rotationEnabled = true;
    }
  });
});

describe('npm run okta:secret', () => {
  const environment = () => ({ ...process.env });
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = environment();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_MAX_ATTEMPTS: '1',
    });
  });
  afterEach(() => {
    process.env = saved;
  });

  it("prints Okta's Authentication field and the Basic value of the current credential", async () => {
    await expect(oktaSecret(['--secret-id', sm.arn], {})).resolves.toBe(
      `Authentication field: authorization\nAuthentication secret: ${basicHeaderValue(valueAt('AWSCURRENT'))}`,
    );
  });

  it('reads the secret id from HOOK_SECRET_ID', async () => {
    await expect(oktaSecret([], { HOOK_SECRET_ID: sm.arn })).resolves.toContain(basicHeaderValue(valueAt('AWSCURRENT')));
  });

  it('can print the previous version, during the grace period after a rotation', async () => {
    const previous = valueAt('AWSPREVIOUS');
    await expect(oktaSecret(['--secret-id', sm.arn, '--version-stage', 'AWSPREVIOUS'], {})).resolves.toContain(
      basicHeaderValue(previous),
    );
  });
});
