import { USER_HASH_KEY_MIN_LENGTH } from '../config.ts';
import { createFailureBackoff } from '../request-deadline.ts';
import { type Logger, describeError, createUserHasher } from '../observability.ts';
import { AwsServiceError, type AwsJsonCall } from './aws-json-client.ts';
import { BACKOFF_MS, FETCH_TIMEOUT_MS, MAX_BACKOFF_MS, type SecretValue } from './secrets-manager-credentials.ts';
import type { DeadlineSignal } from '../core/ports.ts';

export interface UserHashKeySecretOptions {
  log: Logger;
  now?: () => number;
  /** In [0, 1): spreads the back-off of instances that failed together. */
  random?: () => number;
}

/** The user-hash key kept in a Secrets Manager secret (`USER_HASH_KEY_SECRET_ID`), read at init. */
export interface UserHashKeySecret {
  /** The hook's user hasher: an HMAC with the stored key once it is read, with a key of this process until then. */
  hashUser(userKey: string): string;
  /**
   * Basic mode's init read: AWSCURRENT of the Basic secret and this key in one BatchGetSecretValue. Answers
   * the Basic secret's value (or throws as its GetSecretValue would) and keeps the key, or notes its failure.
   */
  readAtInitWith(basicSecretId: string): (signal: DeadlineSignal) => Promise<SecretValue>;
  /** The init read when there is no Basic secret (OAuth mode): GetSecretValue of the key alone. Never throws. */
  prepare(): Promise<void>;
}

/**
 * Until the key is read, and whenever its read fails, lines are hashed with a random key of this process:
 * never a login, never an unkeyed hash, only lines that do not correlate across instances (the same as
 * running with no key). One warning says so, without any value. The key is then read again, in the
 * background of the next request that hashes a user (one that passed the caller check, so a stranger
 * cannot drive reads), no more often than the credential source reads the
 * Basic secret after a failure (1 s, doubling to 30 s), and never on a request's clock: a request does not
 * wait for the key. The first request after a failed init read tries at once, as the credential source does.
 */
export function createUserHashKeySecret(call: AwsJsonCall, secretId: string, options: UserHashKeySecretOptions): UserHashKeySecret {
  const { log, now = () => Date.now(), random = Math.random } = options;
  let hasher = createUserHasher(undefined);
  let loaded = false;
  let loading: Promise<void> | undefined;
  let warned = false;
  const backoff = createFailureBackoff(BACKOFF_MS, MAX_BACKOFF_MS, random);

  function keep(value: SecretValue): void {
    hasher = createUserHasher(checkedKey(value.SecretString));
    loaded = true;
    backoff.succeeded();
  }

  function notRead(error: unknown, { backOff }: { backOff: boolean }): void {
    if (backOff) backoff.failed(now());
    if (warned) return;
    warned = true;
    log.warn('user hash key not read: log lines hash users with a key of this instance until it is', describeError(error));
  }

  const readAlone = (signal: DeadlineSignal) => call<SecretValue>('GetSecretValue', { SecretId: secretId }, signal).then(keep);

  function readAgainIfDue(): void {
    if (loaded || loading || !backoff.allows(now())) return;
    loading = readAlone(AbortSignal.timeout(FETCH_TIMEOUT_MS))
      .catch((error: unknown) => notRead(error, { backOff: true }))
      .finally(() => {
        loading = undefined;
      });
  }

  return {
    hashUser(userKey) {
      readAgainIfDue();
      return hasher(userKey);
    },
    readAtInitWith(basicSecretId) {
      return async (signal) => {
        let answer: BatchAnswer;
        try {
          answer = await call<BatchAnswer>('BatchGetSecretValue', { SecretIdList: [basicSecretId, secretId] }, signal);
        } catch (error) {
          notRead(error, { backOff: false });
          throw error;
        }
        try {
          keep(entryFor(answer, secretId, 'the user hash key'));
        } catch (error) {
          notRead(error, { backOff: false });
        }
        return entryFor(answer, basicSecretId, 'the hook secret');
      };
    },
    async prepare() {
      loading ??= readAlone(AbortSignal.timeout(FETCH_TIMEOUT_MS))
        .catch((error: unknown) => notRead(error, { backOff: false }))
        .finally(() => {
          loading = undefined;
        });
      await loading;
    },
  };
}

interface BatchAnswer {
  SecretValues?: Array<SecretValue & { ARN?: string; Name?: string }>;
  Errors?: Array<{ SecretId?: string; ErrorCode?: string; Message?: string }>;
}

/** The entry of `secretId` (asked by ARN or by name), or the error Secrets Manager gave for it. */
function entryFor(answer: BatchAnswer, secretId: string, what: string): SecretValue {
  const value = answer.SecretValues?.find((entry) => entry.ARN === secretId || entry.Name === secretId);
  if (value !== undefined) return value;
  const error = answer.Errors?.find((entry) => entry.SecretId === secretId);
  throw new AwsServiceError(
    error?.ErrorCode ?? 'MissingFromBatch',
    400,
    error?.Message ?? `BatchGetSecretValue answered nothing for ${what}`,
    false,
  );
}

function checkedKey(secretString: string | undefined): string {
  if (secretString === undefined || secretString.length < USER_HASH_KEY_MIN_LENGTH) {
    throw new Error(`the user hash key secret must hold a plain string of at least ${USER_HASH_KEY_MIN_LENGTH} characters`);
  }
  return secretString;
}
