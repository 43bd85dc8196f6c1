import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { basicHeaderValue } from '../../../lambda/core/basic-auth.ts';
import { basicValueFromSecret, readHookCredential, regionOfSecretArn } from '../../../tools/okta/hook-secret.ts';
import { FAKE_SECRET_REGION, type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager.ts';

// The one reader behind `npm run okta:secret`, `okta:register --secret-id` and `preview --secret-id`,
// through the real SDK client against a local Secrets Manager.
const OLD = { username: 'okta-hook', password: 'old-Qm4t8Rw2Zk6p' };
const NEW = { username: 'okta-hook', password: 'new-Hs3v7Ly1Nc5x' };
const DEFAULT_REGION = 'us-west-2';
let sm: FakeSecretsManager;

beforeAll(async () => {
  sm = await startFakeSecretsManager(OLD);
});
afterAll(() => sm.close());
beforeEach(() => {
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', sm.endpoint);
  vi.stubEnv('AWS_REGION', DEFAULT_REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
});
afterEach(() => vi.unstubAllEnvs());

describe('the hook secret, read from Secrets Manager', () => {
  it("signs for the ARN's region when given an ARN, whatever the default region", async () => {
    expect(FAKE_SECRET_REGION).not.toBe(DEFAULT_REGION);
    await expect(readHookCredential(sm.arn)).resolves.toStrictEqual(OLD);
    expect(sm.calls.at(-1)).toStrictEqual({
      operation: 'GetSecretValue',
      input: { SecretId: sm.arn, VersionStage: 'AWSCURRENT' },
      region: FAKE_SECRET_REGION,
      at: expect.any(Number),
    });
  });

  it("signs for the default chain's region when given a name", async () => {
    await expect(readHookCredential(sm.name)).resolves.toStrictEqual(OLD);
    expect(sm.calls.at(-1)).toMatchObject({ input: { SecretId: sm.name }, region: DEFAULT_REGION });
  });

  it('gives the Basic value of the version stage asked for, AWSCURRENT by default', async () => {
    sm.rotate(NEW);
    await expect(basicValueFromSecret(sm.arn)).resolves.toBe(basicHeaderValue(NEW));
    await expect(basicValueFromSecret(sm.arn, { versionStage: 'AWSPREVIOUS' })).resolves.toBe(basicHeaderValue(OLD));
    expect(sm.calls.slice(-2).map((call) => [call.input.VersionStage, call.region])).toStrictEqual([
      ['AWSCURRENT', FAKE_SECRET_REGION],
      ['AWSPREVIOUS', FAKE_SECRET_REGION],
    ]);
  });

  it("passes Secrets Manager's refusal on", async () => {
    await expect(readHookCredential(sm.arn, { versionStage: 'AWSPENDING' })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('reads through the reader given instead, with the stage', async () => {
    const read = vi.fn(async () => JSON.stringify(NEW));
    await expect(basicValueFromSecret('hook', { versionStage: 'AWSPREVIOUS', read })).resolves.toBe(basicHeaderValue(NEW));
    expect(read.mock.calls).toStrictEqual([['hook', 'AWSPREVIOUS']]);
  });
});

describe('regionOfSecretArn', () => {
  it.each([
    ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:hook-AbCdEf', 'eu-west-1'],
    ['arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:hook-AbCdEf', 'cn-north-1'],
    ['arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:hook-AbCdEf', 'us-gov-west-1'],
    ['OktaHookCredential', undefined],
    ['okta/hook:arn:aws:secretsmanager:eu-west-1', undefined],
  ])('%s → %s', (secretId, region) => {
    expect(regionOfSecretArn(secretId)).toBe(region);
  });
});
