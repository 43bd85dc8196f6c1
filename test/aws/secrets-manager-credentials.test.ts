import { describe, expect, it, vi } from 'vitest';
import { NO_DEADLINE } from '../support/no-deadline.ts';
import type { AwsJsonCall } from '../../lambda/aws/aws-json-client.ts';
import {
  CURRENT_SINCE_TAG,
  createSecretsManagerCredentialSource as createVersionedSource,
} from '../../lambda/aws/secrets-manager-credentials.ts';
import type { AcceptedCredential, CredentialSource } from '../../lambda/core/ports.ts';

/**
 * The source with the values it accepts as plain credentials: most tests here are about which values, and
 * `which versions hold them` has a test of its own.
 */
function createSecretsManagerCredentialSource(...args: Parameters<typeof createVersionedSource>): CredentialSource {
  const source = createVersionedSource(...args);
  const values = (list: readonly AcceptedCredential[]) => list.map(({ username, password }) => ({ username, password }));
  return {
    prepare: () => source.prepare?.() ?? Promise.resolve(),
    acceptedCredentials: async (deadline) => values(await source.acceptedCredentials(deadline)),
    reloadAfterMismatch: async (deadline) => {
      const reloaded = await source.reloadAfterMismatch?.(deadline);
      return reloaded === undefined ? undefined : values(reloaded);
    },
  };
}

const current = { username: 'okta', password: 'current-pw' };
const previous = { username: 'okta', password: 'previous-pw' };
const HOUR = 3_600_000;

type Answer = object | Error | 'hang';
type Answers = Record<string, Answer>;

/**
 * Secrets Manager as the source calls it: GetSecretValue by stage, answered from `answers` (an Error is
 * thrown, 'hang' never answers until the call's signal aborts, as the real client does).
 */
function stubSecretsManager(answers: Answers) {
  const calls: string[] = [];
  const call = (async (operation: string, input: { VersionStage?: string }, signal: AbortSignal) => {
    const name = [operation, input.VersionStage].filter(Boolean).join(' ');
    calls.push(name);
    await new Promise((resolve) => setTimeout(resolve, 1));
    const answer = answers[name];
    if (answer === 'hang') {
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'DeadlineExceeded' }))),
      );
    }
    if (answer === undefined) throw Object.assign(new Error('no such version'), { code: 'ResourceNotFoundException' });
    if (answer instanceof Error) throw answer;
    return answer;
  }) as AwsJsonCall;
  return { call, calls };
}

const secret = (credential: object, createdAtMs?: number, versionId = `v-${JSON.stringify(credential).length}-${createdAtMs}`) => ({
  SecretString: JSON.stringify(credential),
  VersionId: versionId,
  ...(createdAtMs === undefined ? {} : { CreatedDate: createdAtMs / 1000 }),
});
/**
 * DescribeSecret's answer: when the secret last changed, which versions hold AWSCURRENT and AWSPREVIOUS,
 * and the rotation function's tag when it has one (`<version id> <epoch seconds>`).
 */
const described = (lastChangedMs: number, currentId = 'v-current', previousId?: string, currentSince?: string) => ({
  LastChangedDate: lastChangedMs / 1000,
  ...(currentSince === undefined
    ? {}
    : {
        Tags: [
          { Key: 'Owner', Value: 'identity-team' },
          { Key: CURRENT_SINCE_TAG, Value: currentSince },
        ],
      }),
  VersionIdsToStages: { [currentId]: ['AWSCURRENT'], ...(previousId ? { [previousId]: ['AWSPREVIOUS'] } : {}) },
});
/** A secret rotated at `movedAtMs` (v1 → v2) as DescribeSecret shows it, tagged or not. */
const rotatedAnswers = (describe: object): Answers => ({
  'GetSecretValue AWSCURRENT': secret(current, 0, 'v2'),
  'GetSecretValue AWSPREVIOUS': secret(previous, 0, 'v1'),
  DescribeSecret: describe,
});
/** A fresh instance at `at`: init, then the first mismatch. What it accepts then. */
async function bornAt(at: number, answers: Answers, graceMs = 24 * HOUR) {
  let now = at;
  const { call, calls } = stubSecretsManager(answers);
  const source = createSecretsManagerCredentialSource(call, 'id', { graceMs, now: () => now });
  await source.prepare?.();
  const reloaded = await source.reloadAfterMismatch?.(NO_DEADLINE);
  return {
    reloaded,
    calls,
    acceptedAt: async (time: number) => {
      now = time;
      return source.acceptedCredentials(NO_DEADLINE);
    },
  };
}
const failure = (code: string) => Object.assign(new Error(code), { code });
const settledSoon = <T>(promise: Promise<T>) =>
  Promise.race([
    promise.then(
      () => 'settled',
      () => 'settled',
    ),
    new Promise((resolve) => setTimeout(() => resolve('pending'), 20)),
  ]);

describe('createSecretsManagerCredentialSource', () => {
  it('reads AWSCURRENT alone at init, once for any number of concurrent first requests', async () => {
    const { call, calls } = stubSecretsManager({
      'GetSecretValue AWSCURRENT': secret(current, 0),
      'GetSecretValue AWSPREVIOUS': secret(previous, 0),
    });
    const source = createSecretsManagerCredentialSource(call, 'id');
    const results = await Promise.all(Array.from({ length: 10 }, () => source.acceptedCredentials(NO_DEADLINE)));
    expect(new Set(results.map((list) => JSON.stringify(list)))).toStrictEqual(new Set([JSON.stringify([current])]));
    expect(calls).toStrictEqual(['GetSecretValue AWSCURRENT']);
  });

  it('reads AWSCURRENT, AWSPREVIOUS and when AWSCURRENT moved on the first mismatch, once for concurrent ones, and accepts AWSPREVIOUS for the grace after the move', async () => {
    let now = 5 * HOUR;
    // Created at 0, made current at 4 h (LastChangedDate): the grace runs from 4 h, not from 0.
    const { call, calls } = stubSecretsManager({
      'GetSecretValue AWSCURRENT': secret(current, 0, 'v2'),
      'GetSecretValue AWSPREVIOUS': secret(previous, 0, 'v1'),
      DescribeSecret: described(4 * HOUR, 'v2', 'v1'),
    });
    const source = createSecretsManagerCredentialSource(call, 'id', { graceMs: 2 * HOUR, now: () => now });
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
    const reloads = await Promise.all(Array.from({ length: 5 }, () => source.reloadAfterMismatch?.(NO_DEADLINE)));
    expect(reloads).toStrictEqual(Array(5).fill([current, previous]));
    expect(calls).toStrictEqual(['GetSecretValue AWSCURRENT', 'GetSecretValue AWSCURRENT', 'GetSecretValue AWSPREVIOUS', 'DescribeSecret']);
    now = 6 * HOUR - 1;
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current, previous]);
    now = 6 * HOUR;
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
  });

  it("counts the grace from the rotation function's tag, not from a later LastChangedDate (a tag, the next rotation's AWSPENDING)", async () => {
    // Moved and tagged at 0 h; something touched the secret at 30 h. An instance born at 30 h + 1 min
    // must not open a new grace for the retired value.
    const late = await bornAt(30 * HOUR + 60_000, rotatedAnswers(described(30 * HOUR, 'v2', 'v1', 'v2 0')));
    expect(late.reloaded).toStrictEqual([current]);
    // Touched at 20 h: an instance born at 23 h 59 min accepts it until 24 h exactly, not 20 h + 24 h.
    const early = await bornAt(24 * HOUR - 60_000, rotatedAnswers(described(20 * HOUR, 'v2', 'v1', 'v2 0')));
    expect(early.reloaded).toStrictEqual([current, previous]);
    expect(await early.acceptedAt(24 * HOUR - 1)).toStrictEqual([current, previous]);
    expect(await early.acceptedAt(24 * HOUR)).toStrictEqual([current]);
  });

  it('counts from LastChangedDate when the tag names another version (a rollback or a rotation by hand since)', async () => {
    // v2 was tagged at 0 h, then AWSCURRENT went back to v1 at 10 h: v2 is AWSPREVIOUS, the tag is stale.
    const answers = {
      'GetSecretValue AWSCURRENT': secret(previous, 0, 'v1'),
      'GetSecretValue AWSPREVIOUS': secret(current, 0, 'v2'),
      DescribeSecret: described(10 * HOUR, 'v1', 'v2', 'v2 0'),
    };
    const rolledBack = await bornAt(11 * HOUR, answers);
    expect(rolledBack.reloaded).toStrictEqual([previous, current]);
    expect(await rolledBack.acceptedAt(34 * HOUR - 1)).toStrictEqual([previous, current]);
    expect(await rolledBack.acceptedAt(34 * HOUR)).toStrictEqual([previous]);
  });

  it('never lets the tag lengthen the grace past what LastChangedDate gives, nor trusts a tag it cannot read', async () => {
    // Tagging changes the secret: a tag later than LastChangedDate is not a true one.
    const future = await bornAt(HOUR, rotatedAnswers(described(0, 'v2', 'v1', `v2 ${(48 * HOUR) / 1000}`)));
    expect(future.reloaded).toStrictEqual([current, previous]);
    expect(await future.acceptedAt(24 * HOUR)).toStrictEqual([current]);
    for (const garbled of ['v2', 'v2 soon', ' v2 0', 'v2 0 extra', '']) {
      const instance = await bornAt(5 * HOUR, rotatedAnswers(described(4 * HOUR, 'v2', 'v1', garbled)));
      expect(await instance.acceptedAt(28 * HOUR - 1)).toStrictEqual([current, previous]);
      expect(await instance.acceptedAt(28 * HOUR)).toStrictEqual([current]);
    }
  });

  it('refuses to tell AWSPREVIOUS from a wrong credential while DescribeSecret cannot be read, and reads again after the back-off', async () => {
    let now = 10 * HOUR;
    const answers = rotatedAnswers(described(9 * HOUR, 'v2', 'v1'));
    answers.DescribeSecret = failure('AccessDeniedException');
    const { call, calls } = stubSecretsManager(answers);
    const source = createSecretsManagerCredentialSource(call, 'id', { now: () => now, random: () => 0 });
    await source.acceptedCredentials(NO_DEADLINE);
    await expect(source.reloadAfterMismatch?.(NO_DEADLINE)).rejects.toMatchObject({ code: 'AccessDeniedException' });
    now += 999;
    await expect(source.reloadAfterMismatch?.(NO_DEADLINE)).rejects.toMatchObject({ code: 'SecretReadBackoff' });
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
    expect(calls).toHaveLength(4);
    answers.DescribeSecret = described(9 * HOUR, 'v2', 'v1');
    now += 1;
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current, previous]);
  });

  it('when DescribeSecret and GetSecretValue disagree on which version is AWSCURRENT, reads again only after the back-off, not once per request', async () => {
    let now = 0;
    // A label moving while the three answers were given: DescribeSecret still names v1.
    const answers = rotatedAnswers(described(0, 'v1', 'v0'));
    const { call, calls } = stubSecretsManager(answers);
    const source = createSecretsManagerCredentialSource(call, 'id', { now: () => now, random: () => 0 });
    await source.acceptedCredentials(NO_DEADLINE);
    await expect(source.reloadAfterMismatch?.(NO_DEADLINE)).rejects.toMatchObject({ code: 'SecretStagesChanging' });
    for (now = 1; now < 1000; now += 100) {
      await expect(source.reloadAfterMismatch?.(NO_DEADLINE)).rejects.toMatchObject({ code: 'SecretReadBackoff' });
    }
    expect(calls).toStrictEqual(['GetSecretValue AWSCURRENT', 'GetSecretValue AWSCURRENT', 'GetSecretValue AWSPREVIOUS', 'DescribeSecret']);
    answers.DescribeSecret = described(0, 'v2', 'v1');
    now = 1000;
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current, previous]);
    expect(calls).toHaveLength(7);
    // And the same for an AWSPREVIOUS that DescribeSecret puts on another version.
    const other = await bornAt(0, rotatedAnswers(described(0, 'v2', 'v0')), HOUR).catch((error: unknown) => error);
    expect(other).toMatchObject({ code: 'SecretStagesChanging' });
  });

  it('a hung AWSPREVIOUS holds up only the mismatch that needs it, and that one only until its deadline', async () => {
    const { call } = stubSecretsManager({
      'GetSecretValue AWSCURRENT': secret(current, 0, 'v2'),
      'GetSecretValue AWSPREVIOUS': 'hang',
      DescribeSecret: described(0, 'v2', 'v1'),
    });
    const source = createSecretsManagerCredentialSource(call, 'id');
    await source.acceptedCredentials(NO_DEADLINE);
    const deadline = new AbortController();
    const reload = source.reloadAfterMismatch?.(deadline.signal) as Promise<unknown>;
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
    expect(await settledSoon(reload)).toBe('pending');
    deadline.abort();
    await expect(reload).rejects.toMatchObject({ code: 'DeadlineExceeded' });
  });

  it('waits for a hung first read no longer than the request deadline, and the read goes on for the next request', async () => {
    const { call, calls } = stubSecretsManager({ 'GetSecretValue AWSCURRENT': 'hang' });
    const source = createSecretsManagerCredentialSource(call, 'id', { fetchTimeoutMs: 60_000 });
    const deadline = new AbortController();
    const first = source.acceptedCredentials(deadline.signal);
    deadline.abort();
    await expect(first).rejects.toMatchObject({ name: 'DeadlineExceededError', code: 'DeadlineExceeded' });
    const second = source.acceptedCredentials(AbortSignal.timeout(10));
    await expect(second).rejects.toMatchObject({ code: 'DeadlineExceeded' });
    expect(calls).toStrictEqual(['GetSecretValue AWSCURRENT']);
  });

  it('does not accept an AWSPREVIOUS whose value is not a credential', async () => {
    const broken = stubSecretsManager({
      'GetSecretValue AWSCURRENT': secret(current, 0, 'v2'),
      'GetSecretValue AWSPREVIOUS': { SecretString: 'not json', VersionId: 'v1' },
      DescribeSecret: described(Date.now(), 'v2', 'v1'),
    });
    const source = createSecretsManagerCredentialSource(broken.call, 'id');
    await source.acceptedCredentials(NO_DEADLINE);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current]);
  });

  it('takes a secret never rotated (no AWSPREVIOUS) as an answer, not a failure', async () => {
    const { call, calls } = stubSecretsManager({
      'GetSecretValue AWSCURRENT': secret(current, 0, 'v1'),
      DescribeSecret: described(0, 'v1'),
    });
    const source = createSecretsManagerCredentialSource(call, 'id', { now: () => 0 });
    await source.acceptedCredentials(NO_DEADLINE);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current]);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toBeUndefined();
    expect(calls).toStrictEqual(['GetSecretValue AWSCURRENT', 'GetSecretValue AWSCURRENT', 'GetSecretValue AWSPREVIOUS', 'DescribeSecret']);
  });

  it('does not keep a failed first read, and reads again only after a back-off of 1 s doubling to 30 s', async () => {
    let now = 0;
    const answers: Answers = { 'GetSecretValue AWSCURRENT': failure('InternalServiceError') };
    const { call, calls } = stubSecretsManager(answers);
    const source = createSecretsManagerCredentialSource(call, 'id', { now: () => now, random: () => 0 });
    const attempt = () => source.acceptedCredentials(NO_DEADLINE);

    await expect(attempt()).rejects.toMatchObject({ code: 'InternalServiceError' });
    const readsAt: number[] = [];
    for (now = 1; now <= 70_000; now += 1) {
      const before = calls.length;
      const result = await attempt().catch((error: { code: string }) => error.code);
      if (calls.length > before) readsAt.push(now);
      else expect(result).toBe('SecretReadBackoff');
      now += 499;
    }
    // Failures at 0, 1 s, 3 s, 7 s, 15 s, 31 s (the step caps at 30 s), 61 s.
    expect(readsAt).toStrictEqual([1_001, 3_001, 7_001, 15_001, 31_001, 61_001]);

    answers['GetSecretValue AWSCURRENT'] = secret(current, 0);
    now = 91_001;
    expect(await attempt()).toStrictEqual([current]);
  });

  it('spreads the back-off: at most the step, at least three quarters of it', async () => {
    const { call, calls } = stubSecretsManager({ 'GetSecretValue AWSCURRENT': failure('InternalServiceError') });
    let now = 0;
    const source = createSecretsManagerCredentialSource(call, 'id', { now: () => now, random: () => 0.999 });
    await source.acceptedCredentials(NO_DEADLINE).catch(() => undefined);
    now = 749;
    await expect(source.acceptedCredentials(NO_DEADLINE)).rejects.toMatchObject({ code: 'SecretReadBackoff' });
    now = 751;
    await expect(source.acceptedCredentials(NO_DEADLINE)).rejects.toMatchObject({ code: 'InternalServiceError' });
    expect(calls).toHaveLength(2);
  });

  it('refuses a secret that is not the Basic credential JSON, without quoting it', async () => {
    const { call } = stubSecretsManager({ 'GetSecretValue AWSCURRENT': { SecretString: 'hunter2-not-json' } });
    await expect(createSecretsManagerCredentialSource(call, 'id').acceptedCredentials(NO_DEADLINE)).rejects.toThrow(
      /^the hook secret is not JSON$/,
    );
  });

  it('re-reads AWSCURRENT (with DescribeSecret) on a mismatch at most once per interval, and in between only looks for a pending version once per 5 s', async () => {
    let now = 0;
    const { call, calls } = stubSecretsManager({
      'GetSecretValue AWSCURRENT': secret(current, 0, 'v1'),
      DescribeSecret: described(0, 'v1'),
    });
    const source = createSecretsManagerCredentialSource(call, 'id', { reloadIntervalMs: 30_000, now: () => now });
    await source.acceptedCredentials(NO_DEADLINE);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current]);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toBeUndefined();
    now = 30_000;
    const reloads = await Promise.all([
      source.reloadAfterMismatch?.(NO_DEADLINE),
      source.reloadAfterMismatch?.(NO_DEADLINE),
      source.reloadAfterMismatch?.(NO_DEADLINE),
    ]);
    expect(reloads).toStrictEqual([[current], [current], [current]]);
    now = 34_999;
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toBeUndefined();
    now = 35_000;
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current]);
    now = 59_999;
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current]);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toBeUndefined();
    expect(calls).toStrictEqual([
      'GetSecretValue AWSCURRENT',
      'GetSecretValue AWSCURRENT',
      'GetSecretValue AWSPREVIOUS',
      'DescribeSecret',
      'GetSecretValue AWSCURRENT',
      'DescribeSecret',
      'DescribeSecret',
      'DescribeSecret',
    ]);
  });

  it('keeps its copy when a read fails, and backs off: no call for a mismatch meanwhile', async () => {
    let now = 0;
    const answers: Answers = { 'GetSecretValue AWSCURRENT': secret(current, 0) };
    const { call, calls } = stubSecretsManager(answers);
    const source = createSecretsManagerCredentialSource(call, 'id', { now: () => now, random: () => 0 });
    await source.acceptedCredentials(NO_DEADLINE);
    answers['GetSecretValue AWSCURRENT'] = failure('ECONNREFUSED');
    answers['GetSecretValue AWSPREVIOUS'] = failure('ECONNREFUSED');
    answers.DescribeSecret = failure('ECONNREFUSED');
    await expect(source.reloadAfterMismatch?.(NO_DEADLINE)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    now = 999;
    // AWSPREVIOUS is still unknown: the credential cannot be checked, and no call is made to try.
    await expect(source.reloadAfterMismatch?.(NO_DEADLINE)).rejects.toMatchObject({ code: 'SecretReadBackoff' });
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
    // A stale copy is refreshed in the background; a failed refresh keeps it and holds the next one back.
    now = 10 * 60_000;
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
    expect(calls).toStrictEqual([
      'GetSecretValue AWSCURRENT',
      'GetSecretValue AWSCURRENT',
      'GetSecretValue AWSPREVIOUS',
      'DescribeSecret',
      'GetSecretValue AWSCURRENT',
      'DescribeSecret',
    ]);
  });

  it('learns of a rotation on a mismatch after the interval, then reads the AWSPREVIOUS beside the new version', async () => {
    let now = 0;
    const answers: Answers = { 'GetSecretValue AWSCURRENT': secret(previous, 0, 'v1'), DescribeSecret: described(0, 'v1') };
    const { call, calls } = stubSecretsManager(answers);
    const source = createSecretsManagerCredentialSource(call, 'id', { now: () => now });
    await source.acceptedCredentials(NO_DEADLINE);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([previous]);
    answers['GetSecretValue AWSCURRENT'] = secret(current, 0, 'v2');
    answers['GetSecretValue AWSPREVIOUS'] = secret(previous, 0, 'v1');
    answers.DescribeSecret = described(40_000, 'v2', 'v1');
    now = 60_000;
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current]);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current, previous]);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toBeUndefined();
    expect(calls.slice(4)).toStrictEqual([
      'GetSecretValue AWSCURRENT',
      'DescribeSecret',
      'GetSecretValue AWSCURRENT',
      'GetSecretValue AWSPREVIOUS',
      'DescribeSecret',
    ]);
  });

  it('accepts the version staged AWSPENDING while DescribeSecret shows it, found within 5 s of a mismatch and read once per version', async () => {
    let now = 0;
    const stages = (pendingId?: string) => ({
      LastChangedDate: 0,
      VersionIdsToStages: { v1: ['AWSCURRENT'], ...(pendingId ? { [pendingId]: ['AWSPENDING'] } : {}) },
    });
    const pending = { username: 'okta', password: 'pending-pw' };
    const answers: Answers = { 'GetSecretValue AWSCURRENT': secret(current, 0, 'v1'), DescribeSecret: stages() };
    const { call, calls } = stubSecretsManager(answers);
    const source = createSecretsManagerCredentialSource(call, 'id', { now: () => now });
    await source.acceptedCredentials(NO_DEADLINE);
    // A stranger's mismatch: AWSCURRENT, AWSPREVIOUS (none) and DescribeSecret, once.
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current]);
    const before = calls.length;
    // setSecret a second later: Secrets Manager staged v2 (no value yet), then createSecret wrote it.
    answers.DescribeSecret = stages('v2');
    now = 1_000;
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toBeUndefined();
    now = 5_000;
    answers['GetSecretValue AWSPENDING'] = secret(pending, 0, 'v2');
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current, pending]);
    expect(calls.slice(before)).toStrictEqual(['DescribeSecret', 'GetSecretValue AWSPENDING']);
    // Known now: accepted without a call, and later looks do not read the value again.
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current, pending]);
    now = 10_000;
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current, pending]);
    expect(calls.slice(before)).toStrictEqual(['DescribeSecret', 'GetSecretValue AWSPENDING', 'DescribeSecret']);
    // The rotation failed and the version lost AWSPENDING: the next look drops it.
    answers.DescribeSecret = stages();
    now = 15_000;
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current]);
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
  });

  it('when a look for a pending version finds AWSCURRENT moved onto it (the rotation finished), reads the new AWSCURRENT at once rather than dropping it', async () => {
    let now = 0;
    const pending = { username: 'okta', password: 'pending-pw' };
    const answers: Answers = {
      'GetSecretValue AWSCURRENT': secret(current, 0, 'v1'),
      DescribeSecret: { LastChangedDate: 0, VersionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] } },
      'GetSecretValue AWSPENDING': secret(pending, 0, 'v2'),
    };
    const { call } = stubSecretsManager(answers);
    const source = createSecretsManagerCredentialSource(call, 'id', { now: () => now });
    await source.acceptedCredentials(NO_DEADLINE);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current, pending]);
    // finishSecret, 6 s later: v2 is AWSCURRENT, v1 AWSPREVIOUS. Within the 30 s re-read interval a stranger's
    // mismatch only looks for a pending version; it must not leave this instance refusing Okta's new credential.
    answers.DescribeSecret = { LastChangedDate: 6, VersionIdsToStages: { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] } };
    answers['GetSecretValue AWSCURRENT'] = secret(pending, 0, 'v2');
    answers['GetSecretValue AWSPREVIOUS'] = secret(current, 0, 'v1');
    delete answers['GetSecretValue AWSPENDING'];
    now = 6_000;
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([pending, current]);
    expect(await source.acceptedCredentials(NO_DEADLINE), 'the old one for the grace after the move').toStrictEqual([pending, current]);
  });

  it('says which version holds each value it accepts, and under which label: AWSCURRENT, AWSPREVIOUS, AWSPENDING', async () => {
    const pending = { username: 'okta', password: 'pending-pw' };
    const { call } = stubSecretsManager({
      'GetSecretValue AWSCURRENT': secret(current, 0, 'v2'),
      'GetSecretValue AWSPREVIOUS': secret(previous, 0, 'v1'),
      'GetSecretValue AWSPENDING': secret(pending, 0, 'v3'),
      DescribeSecret: { LastChangedDate: 0, VersionIdsToStages: { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'], v3: ['AWSPENDING'] } },
    });
    const source = createVersionedSource(call, 'id', { now: () => 0 });
    await source.acceptedCredentials(NO_DEADLINE);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([
      { ...current, version: { id: 'v2', stage: 'AWSCURRENT' } },
      { ...previous, version: { id: 'v1', stage: 'AWSPREVIOUS' } },
      { ...pending, version: { id: 'v3', stage: 'AWSPENDING' } },
    ]);
  });

  it('drops a pending version no mismatch looks for again once the stale copy is refreshed (DescribeSecret with it)', async () => {
    let now = 0;
    const pending = { username: 'okta', password: 'pending-pw' };
    const answers: Answers = {
      'GetSecretValue AWSCURRENT': secret(current, 0, 'v1'),
      'GetSecretValue AWSPENDING': secret(pending, 0, 'v2'),
      DescribeSecret: { LastChangedDate: 0, VersionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] } },
    };
    const { call } = stubSecretsManager(answers);
    const source = createSecretsManagerCredentialSource(call, 'id', { now: () => now });
    await source.acceptedCredentials(NO_DEADLINE);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current, pending]);
    answers.DescribeSecret = { LastChangedDate: 0, VersionIdsToStages: { v1: ['AWSCURRENT'] } };
    now = 6 * 60_000;
    await source.acceptedCredentials(NO_DEADLINE);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
  });

  it('learns a rotation it has not seen on the first mismatch after it, interval or not, in one read', async () => {
    const answers: Answers = { 'GetSecretValue AWSCURRENT': secret(previous, 0, 'v1') };
    const { call, calls } = stubSecretsManager(answers);
    const source = createSecretsManagerCredentialSource(call, 'id', { now: () => 0 });
    await source.acceptedCredentials(NO_DEADLINE);
    // Rotated a moment after this instance read the secret; Okta already sends the new value.
    Object.assign(answers, rotatedAnswers(described(0, 'v2', 'v1', 'v2 0')));
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toStrictEqual([current, previous]);
    expect(await source.reloadAfterMismatch?.(NO_DEADLINE)).toBeUndefined();
    expect(calls).toStrictEqual(['GetSecretValue AWSCURRENT', 'GetSecretValue AWSCURRENT', 'GetSecretValue AWSPREVIOUS', 'DescribeSecret']);
  });

  it('a failed init read (prepare) starts no back-off: the first request reads at once; a failed request read still backs off', async () => {
    let now = 0;
    const answers: Answers = { 'GetSecretValue AWSCURRENT': failure('InternalServiceError') };
    const { call, calls } = stubSecretsManager(answers);
    const source = createSecretsManagerCredentialSource(call, 'id', { now: () => now, random: () => 0 });
    await expect(source.prepare?.()).rejects.toMatchObject({ code: 'InternalServiceError' });
    now = 10;
    await expect(source.acceptedCredentials(NO_DEADLINE)).rejects.toMatchObject({ code: 'InternalServiceError' });
    now = 20;
    await expect(source.acceptedCredentials(NO_DEADLINE)).rejects.toMatchObject({ code: 'SecretReadBackoff' });
    expect(calls).toHaveLength(2);
    answers['GetSecretValue AWSCURRENT'] = secret(current, 0, 'v1');
    now = 1010;
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
  });

  it('reads AWSCURRENT at init through readCurrentAtInit when given (the batch read), and with GetSecretValue after', async () => {
    let now = 0;
    const { call, calls } = stubSecretsManager({
      'GetSecretValue AWSCURRENT': secret(current, 0, 'v2'),
      DescribeSecret: described(0, 'v2'),
    });
    const initReads: string[] = [];
    const source = createSecretsManagerCredentialSource(call, 'id', {
      now: () => now,
      readCurrentAtInit: async () => {
        initReads.push('BatchGetSecretValue');
        return secret(current, 0, 'v2');
      },
    });
    await source.prepare?.();
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
    expect([initReads, calls]).toStrictEqual([['BatchGetSecretValue'], []]);
    // The init read counts as the read of AWSCURRENT: a copy older than 5 minutes is read again, the source's own way.
    now = 5 * 60_000;
    await source.acceptedCredentials(NO_DEADLINE);
    await vi.waitFor(() =>
      expect([initReads, calls]).toStrictEqual([['BatchGetSecretValue'], ['GetSecretValue AWSCURRENT', 'DescribeSecret']]),
    );
  });

  it('a failed readCurrentAtInit is like a failed init read: the first request reads with GetSecretValue at once', async () => {
    const { call, calls } = stubSecretsManager({ 'GetSecretValue AWSCURRENT': secret(current, 0) });
    const source = createSecretsManagerCredentialSource(call, 'id', {
      readCurrentAtInit: async () => Promise.reject(failure('InternalServiceError')),
    });
    await expect(source.prepare?.()).rejects.toMatchObject({ code: 'InternalServiceError' });
    expect(await source.acceptedCredentials(NO_DEADLINE)).toStrictEqual([current]);
    expect(calls).toStrictEqual(['GetSecretValue AWSCURRENT']);
  });
});
