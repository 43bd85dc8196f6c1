import { describe, expect, it } from 'vitest';
import { NO_DEADLINE } from '../support/no-deadline.ts';
import type { AwsJsonCall } from '../../lambda/aws/aws-json-client.ts';
import { createSecretsManagerCredentialSource } from '../../lambda/aws/secrets-manager-credentials.ts';

const current = { username: 'okta', password: 'current-pw' };
const previous = { username: 'okta', password: 'previous-pw' };
const HOUR = 3_600_000;

type Versions = Record<string, { SecretString?: string; CreatedDate?: number } | Error>;

function stubSecretsManager(versions: Versions) {
  const calls: string[] = [];
  const call = (async (operation: string, input: { VersionStage: string }) => {
    calls.push(`${operation} ${input.VersionStage}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
    const version = versions[input.VersionStage];
    if (version === undefined) throw Object.assign(new Error('no such version'), { code: 'ResourceNotFoundException' });
    if (version instanceof Error) throw version;
    return version;
  }) as AwsJsonCall;
  return { call, calls };
}

const secret = (credential: object, createdAtMs?: number) => ({
  SecretString: JSON.stringify(credential),
  ...(createdAtMs === undefined ? {} : { CreatedDate: createdAtMs / 1000 }),
});

describe('createSecretsManagerCredentialSource', () => {
  it('reads once for any number of concurrent first requests', async () => {
    const { call, calls } = stubSecretsManager({ AWSCURRENT: secret(current, 0) });
    const source = createSecretsManagerCredentialSource(call, 'id', { now: () => 10 * HOUR * 24 * 30 });
    const results = await Promise.all(Array.from({ length: 10 }, () => source.acceptedCredentials(NO_DEADLINE)));
    expect(new Set(results.map((list) => JSON.stringify(list)))).toStrictEqual(new Set([JSON.stringify([current])]));
    expect(calls).toStrictEqual(['GetSecretValue AWSCURRENT', 'GetSecretValue AWSPREVIOUS']);
  });

  it('accepts AWSPREVIOUS only until the grace after AWSCURRENT was created', async () => {
    let now = 5 * HOUR;
    const { call } = stubSecretsManager({ AWSCURRENT: secret(current, 4 * HOUR), AWSPREVIOUS: secret(previous, 0) });
    const source = createSecretsManagerCredentialSource(call, 'id', { graceMs: 2 * HOUR, now: () => now });
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current, previous]);
    now = 6 * HOUR - 1;
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current, previous]);
    now = 6 * HOUR;
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
  });

  it('does not accept AWSPREVIOUS when the rotation time is unknown or its value is not a credential', async () => {
    const withoutDate = stubSecretsManager({ AWSCURRENT: secret(current), AWSPREVIOUS: secret(previous, 0) });
    expect(await createSecretsManagerCredentialSource(withoutDate.call, 'id').acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
    const broken = stubSecretsManager({ AWSCURRENT: secret(current, Date.now()), AWSPREVIOUS: { SecretString: 'not json' } });
    expect(await createSecretsManagerCredentialSource(broken.call, 'id').acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
  });

  it('keeps the current credential when only AWSPREVIOUS cannot be read', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { code: 'ThrottlingException' });
    const { call } = stubSecretsManager({ AWSCURRENT: secret(current, Date.now()), AWSPREVIOUS: throttled });
    expect(await createSecretsManagerCredentialSource(call, 'id').acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
  });

  it('does not keep a failed first read, and throws it to the caller', async () => {
    const versions: Versions = { AWSCURRENT: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) };
    const { call, calls } = stubSecretsManager(versions);
    const source = createSecretsManagerCredentialSource(call, 'id');
    await expect(source.acceptedCredentials(NO_DEADLINE)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    versions.AWSCURRENT = secret(current, 0);
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
    expect(calls.filter((line) => line.endsWith('AWSCURRENT'))).toHaveLength(2);
  });

  it('refuses a secret that is not the Basic credential JSON, without quoting it', async () => {
    const { call } = stubSecretsManager({ AWSCURRENT: { SecretString: 'hunter2-not-json' } });
    await expect(createSecretsManagerCredentialSource(call, 'id').acceptedCredentials(NO_DEADLINE)).rejects.toThrow(/^the hook secret is not JSON$/);
  });

  it('re-reads on a mismatch at most once per interval, concurrent mismatches sharing the read', async () => {
    let now = 0;
    const { call, calls } = stubSecretsManager({ AWSCURRENT: secret(current, 0) });
    const source = createSecretsManagerCredentialSource(call, 'id', { reloadIntervalMs: 30_000, now: () => now });
    await source.acceptedCredentials(NO_DEADLINE);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toBeUndefined();
    now = 30_000;
    const reloads = await Promise.all([source.reloadAfterMismatch?.(NO_DEADLINE), source.reloadAfterMismatch?.(NO_DEADLINE), source.reloadAfterMismatch?.(NO_DEADLINE)]);
    expect(reloads).toStrictEqual([[current], [current], [current]]);
    now = 59_999;
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toBeUndefined();
    expect(calls.filter((line) => line.endsWith('AWSCURRENT'))).toHaveLength(2);
  });
});
