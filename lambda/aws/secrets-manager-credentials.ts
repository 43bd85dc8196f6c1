import type { BasicCredential } from '../core/basic-auth.ts';
import type { CredentialSource } from '../core/ports.ts';
import { untilDeadline } from '../request-deadline.ts';
import type { AwsJsonCall } from './aws-json-client.ts';

export interface SecretsManagerCredentialOptions {
  /** How long AWSPREVIOUS stays accepted after the AWSCURRENT version was created (the rotation). */
  graceMs?: number;
  /** Re-reads after a mismatch, and of a stale copy, start at most this often. */
  reloadIntervalMs?: number;
  /** A copy older than this is read again in the background, so every instance learns of a rotation. */
  maxAgeMs?: number;
  /** Bound on one read: Okta waits 3 s in all, and the patient lookup still has to run. */
  fetchTimeoutMs?: number;
  now?: () => number;
}

export const DEFAULT_ROTATION_GRACE_MS = 24 * 60 * 60_000;
const RELOAD_INTERVAL_MS = 30_000;
const MAX_AGE_MS = 5 * 60_000;
// A read in the same region takes tens of milliseconds; this bound keeps a request that must wait for
// one (a cold start whose init read failed, a credential after a rotation) well inside Okta's 3 s.
const FETCH_TIMEOUT_MS = 700;

interface SecretVersions {
  current: BasicCredential;
  previous?: BasicCredential;
  /** When AWSPREVIOUS stops being accepted: AWSCURRENT's CreatedDate plus the grace. */
  previousUntil: number;
  readAt: number;
}

interface SecretValue {
  SecretString?: string;
  /** Epoch seconds in the JSON protocol. */
  CreatedDate?: number | string;
}

/**
 * The hook's Basic credential from a Secrets Manager secret `{"username": ..., "password": ...}`.
 * AWSCURRENT is always accepted; AWSPREVIOUS too during the grace after a rotation, so the old value
 * Okta still sends keeps working until an operator pastes the new one.
 *
 * Kept between requests. A failed first read is not kept: the next request tries again, and callers get
 * 401 meanwhile. A presented credential that matches none re-reads the secret (a rotation this instance
 * has not seen), at most once per 30 s so wrong credentials cannot drive calls to Secrets Manager; a copy
 * older than 5 minutes is re-read in the background, while requests go on with it. A failed re-read keeps
 * the copy: a Secrets Manager outage after a successful read never locks Okta out.
 */
export function createSecretsManagerCredentialSource(
  call: AwsJsonCall,
  secretId: string,
  options: SecretsManagerCredentialOptions = {},
): CredentialSource {
  const {
    graceMs = DEFAULT_ROTATION_GRACE_MS,
    reloadIntervalMs = RELOAD_INTERVAL_MS,
    maxAgeMs = MAX_AGE_MS,
    fetchTimeoutMs = FETCH_TIMEOUT_MS,
    now = () => Date.now(),
  } = options;
  let kept: SecretVersions | undefined;
  let reading: Promise<SecretVersions> | undefined;
  let lastReadStarted = Number.NEGATIVE_INFINITY;

  const readVersion = (stage: 'AWSCURRENT' | 'AWSPREVIOUS', signal: AbortSignal) =>
    call<SecretValue>('GetSecretValue', { SecretId: secretId, VersionStage: stage }, signal);

  async function readSecret(): Promise<SecretVersions> {
    const signal = AbortSignal.timeout(fetchTimeoutMs);
    // A secret never rotated has no AWSPREVIOUS (ResourceNotFoundException); any failure to read it only
    // costs the old credential, never the current one.
    const [current, previous] = await Promise.all([
      readVersion('AWSCURRENT', signal),
      readVersion('AWSPREVIOUS', signal).catch(() => undefined),
    ]);
    const credential = parseBasicCredentialSecret(current.SecretString);
    const previousCredential = previous ? parseOptionalCredential(previous.SecretString) : undefined;
    return {
      current: credential,
      ...(previousCredential ? { previous: previousCredential } : {}),
      // Without a creation date the rotation time is unknown: the previous value is not accepted.
      previousUntil: createdAtMs(current.CreatedDate) + graceMs,
      readAt: now(),
    };
  }

  // One read at a time: requests that need the secret meanwhile wait for the same answer.
  function reread(): Promise<SecretVersions> {
    if (reading) return reading;
    lastReadStarted = now();
    reading = readSecret()
      .then((versions) => (kept = versions))
      .finally(() => {
        reading = undefined;
      });
    return reading;
  }

  const mayReread = () => now() - lastReadStarted >= reloadIntervalMs;

  function accepted({ current, previous, previousUntil }: SecretVersions): readonly BasicCredential[] {
    return previous && now() < previousUntil ? [current, previous] : [current];
  }

  return {
    async acceptedCredentials(deadline) {
      if (kept === undefined) return accepted(await untilDeadline(reread(), deadline, 'the hook secret read'));
      if (now() - kept.readAt >= maxAgeMs && mayReread()) reread().catch(() => undefined);
      return accepted(kept);
    },
    async reloadAfterMismatch(deadline) {
      if (reading) return accepted(await untilDeadline(reading, deadline, 'the hook secret read'));
      if (!mayReread()) return undefined;
      return accepted(await untilDeadline(reread(), deadline, 'the hook secret read'));
    },
  };
}

export function parseBasicCredentialSecret(secretString: string | undefined): BasicCredential {
  let value: unknown;
  try {
    value = JSON.parse(secretString ?? '');
  } catch {
    throw new Error('the hook secret is not JSON');
  }
  const { username, password } = (value ?? {}) as Partial<Record<string, unknown>>;
  if (typeof username !== 'string' || !username || username.includes(':') || typeof password !== 'string' || !password) {
    throw new Error('the hook secret must be {"username": "...", "password": "..."} with no ":" in the username');
  }
  return { username, password };
}

function parseOptionalCredential(secretString: string | undefined): BasicCredential | undefined {
  try {
    return parseBasicCredentialSecret(secretString);
  } catch {
    return undefined;
  }
}

function createdAtMs(createdDate: number | string | undefined): number {
  if (typeof createdDate === 'number') return createdDate * 1000;
  if (typeof createdDate === 'string') return Date.parse(createdDate);
  return Number.NEGATIVE_INFINITY;
}
