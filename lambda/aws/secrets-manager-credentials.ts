import type { BasicCredential } from '../core/basic-auth.ts';
import type { CredentialSource } from '../core/ports.ts';
import { untilDeadline } from '../request-deadline.ts';
import type { AwsJsonCall } from './aws-json-client.ts';

export interface SecretsManagerCredentialOptions {
  /** How long AWSPREVIOUS stays accepted after AWSCURRENT moved (a rotation, or a rollback). */
  graceMs?: number;
  /** A mismatch re-reads AWSCURRENT, and a stale copy is read again, at most this often. */
  reloadIntervalMs?: number;
  /** A copy older than this is read again in the background, so every instance learns of a rotation. */
  maxAgeMs?: number;
  /** Bound on one read, shared by the requests waiting for it; each of them stops at its own deadline. */
  fetchTimeoutMs?: number;
  /** After a failed read no other starts for this long, doubled at each failure in a row up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
  /** In [0, 1): spreads the back-off of instances that failed together. */
  random?: () => number;
}

export const DEFAULT_ROTATION_GRACE_MS = 24 * 60 * 60_000;
const RELOAD_INTERVAL_MS = 30_000;
const MAX_AGE_MS = 5 * 60_000;
// A read in the same region takes tens of milliseconds. The requests waiting for one stop at their own
// deadline (request-deadline.ts); this bound frees the read for the next request soon after.
const FETCH_TIMEOUT_MS = 700;
// Secrets Manager failing is no reason to call it more: without a back-off every request Okta (or a
// stranger) sends during an outage would start a read of its own, each retried by the client.
const BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
const WHAT = 'the hook secret read';

/** Refused without a call: a read failed a moment ago and the next waits for the back-off. */
export class SecretReadBackoffError extends Error {
  override name = 'SecretReadBackoffError';
  readonly code = 'SecretReadBackoff';
  constructor(retryInMs: number, options?: ErrorOptions) {
    super(`the hook secret is not read again for ${Math.ceil(retryInMs)} ms after a failed read`, options);
  }
}

interface CurrentVersion {
  credential: BasicCredential;
  versionId?: string;
  readAt: number;
  /** When this instance first read this version as AWSCURRENT: the label had moved by then. */
  seenAt: number;
}

interface PreviousVersion {
  /** The AWSCURRENT version this AWSPREVIOUS was read beside: a rotation makes it another's. */
  beside: Pick<CurrentVersion, 'versionId'>;
  /** None when the secret was never rotated, or the value is not a credential. */
  credential?: BasicCredential;
  /** When AWSCURRENT moved onto `beside`, or a moment after it: the grace counts from here. */
  movedAt: number;
  /** False while `movedAt` stands in for a date DescribeSecret did not give: it is asked again. */
  settled: boolean;
}

interface SecretValue {
  SecretString?: string;
  VersionId?: string;
}

interface SecretMetadata {
  /** Epoch seconds: the last time the secret changed in any way, a staging label moved included. */
  LastChangedDate?: number | string;
  VersionIdsToStages?: Record<string, string[]>;
}

/**
 * The hook's Basic credential from a Secrets Manager secret `{"username": ..., "password": ...}`.
 * AWSCURRENT is always accepted; AWSPREVIOUS too during the grace after a rotation, so the old value
 * Okta still sends keeps working until an operator pastes the new one.
 *
 * Init reads AWSCURRENT alone. AWSPREVIOUS, and DescribeSecret for when AWSCURRENT moved, are read when a
 * presented credential first matches none, since only such a request needs them: a slow or hung read of
 * them holds up no other. DescribeSecret also tells when this copy is behind (AWSCURRENT is another
 * version): then AWSCURRENT is read again at once. After that a mismatch
 * re-reads AWSCURRENT (a rotation this instance has not seen) at most once per 30 s, so wrong credentials
 * cannot drive calls to Secrets Manager; a copy older than 5 minutes is re-read in the background while
 * requests go on with it.
 *
 * One read at a time, shared by the requests that need it, each waiting no longer than its deadline.
 * A failed read starts a back-off (1 s, doubling to 30 s) during which nothing is read and a request that
 * needs a read is refused at once. A failed re-read keeps the copy: a Secrets Manager outage after a
 * successful read never locks Okta out.
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
    backoffMs = BACKOFF_MS,
    maxBackoffMs = MAX_BACKOFF_MS,
    now = () => Date.now(),
    random = Math.random,
  } = options;
  let current: CurrentVersion | undefined;
  let previous: PreviousVersion | undefined;
  let reading: Promise<void> | undefined;
  /** DescribeSecret named another AWSCURRENT than the copy's. */
  let behind = false;
  let lastCurrentReadStarted = Number.NEGATIVE_INFINITY;
  let failuresInARow = 0;
  let retryAt = Number.NEGATIVE_INFINITY;
  let lastFailure: unknown;

  const backingOff = () => now() < retryAt;
  const backoffError = () => new SecretReadBackoffError(retryAt - now(), { cause: lastFailure });
  const mayRereadCurrent = () => behind || now() - lastCurrentReadStarted >= reloadIntervalMs;
  const previousKnown = () => current !== undefined && previous !== undefined && sameVersion(previous.beside, current);

  function start(read: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const work = read(AbortSignal.timeout(fetchTimeoutMs))
      .then(
        () => {
          failuresInARow = 0;
          retryAt = Number.NEGATIVE_INFINITY;
        },
        (error: unknown) => {
          failuresInARow++;
          const step = Math.min(maxBackoffMs, backoffMs * 2 ** (failuresInARow - 1));
          retryAt = now() + step * (1 - random() / 4);
          lastFailure = error;
          throw error;
        },
      )
      .finally(() => {
        reading = undefined;
      });
    work.catch(() => undefined);
    reading = work;
    return work;
  }

  async function readCurrent(signal: AbortSignal): Promise<void> {
    lastCurrentReadStarted = now();
    const value = await call<SecretValue>('GetSecretValue', { SecretId: secretId, VersionStage: 'AWSCURRENT' }, signal);
    const read = { ...(value.VersionId === undefined ? {} : { versionId: value.VersionId }) };
    current = {
      credential: parseBasicCredentialSecret(value.SecretString),
      ...read,
      readAt: now(),
      seenAt: current !== undefined && sameVersion(current, read) ? current.seenAt : now(),
    };
    behind = false;
  }

  async function readPrevious(signal: AbortSignal): Promise<void> {
    const copy = current as CurrentVersion;
    const [value, metadata] = await Promise.allSettled([
      call<SecretValue>('GetSecretValue', { SecretId: secretId, VersionStage: 'AWSPREVIOUS' }, signal),
      call<SecretMetadata>('DescribeSecret', { SecretId: secretId }, signal),
    ]);
    // A secret never rotated has no AWSPREVIOUS: that is an answer, not a failure.
    if (value.status === 'rejected' && (value.reason as { code?: unknown }).code !== 'ResourceNotFoundException') throw value.reason;
    const credential = value.status === 'fulfilled' ? parseOptionalCredential(value.value.SecretString) : undefined;
    const described = metadata.status === 'fulfilled' ? metadata.value : undefined;
    const currentId = Object.entries(described?.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
    behind = currentId !== undefined && copy.versionId !== undefined && currentId !== copy.versionId;
    // Secrets Manager keeps no date of a staging label's move. A version's CreatedDate is older than its move
    // when it was made current late or again (a rotation finished a day on, a rollback), and LastRotatedDate
    // is only when Secrets Manager last rotated (null with rotation off; a rollback is no rotation).
    // DescribeSecret's LastChangedDate is "the last date and time that this secret was modified in any way",
    // a label moved included, so never before the move: counted from it the grace is never shorter than the
    // time since AWSCURRENT really moved, only longer when something else changed the secret since (a tag,
    // a new AWSPENDING), which keeps a value Okta may still hold a little longer rather than locking it out.
    const lastChanged = epochMs(described?.LastChangedDate);
    const dated = !Number.isNaN(lastChanged);
    previous = {
      beside: behind ? { versionId: currentId } : copy,
      ...(credential ? { credential } : {}),
      // Without that date, this instance's first read of the version as AWSCURRENT is after the move too.
      movedAt: dated ? lastChanged : copy.seenAt,
      settled: dated,
    };
  }

  function accepted(): readonly BasicCredential[] {
    if (current === undefined) throw lastFailure ?? new Error('the hook secret has not been read');
    const old = previous !== undefined && previousKnown() && now() < previous.movedAt + graceMs ? previous.credential : undefined;
    return old ? [current.credential, old] : [current.credential];
  }

  function refreshIfStale(): void {
    if (current === undefined || now() - current.readAt < maxAgeMs) return;
    if (reading || backingOff() || !mayRereadCurrent()) return;
    start(async (signal) => {
      await readCurrent(signal);
      // A stand-in for when AWSCURRENT moved is replaced by Secrets Manager's date once it answers.
      if (previous !== undefined && !previous.settled && previousKnown()) await readPrevious(signal);
    }).catch(() => undefined);
  }

  return {
    async acceptedCredentials(deadline) {
      if (current !== undefined) {
        refreshIfStale();
        return accepted();
      }
      if (!reading && backingOff()) throw backoffError();
      await untilDeadline(reading ?? start(readCurrent), deadline, WHAT);
      return accepted();
    },
    async reloadAfterMismatch(deadline) {
      if (current === undefined) return undefined;
      // The read under way may be the one this credential needs (AWSPREVIOUS, a rotation): wait for it.
      if (reading) {
        await untilDeadline(reading, deadline, WHAT);
        return accepted();
      }
      const read = behind ? readCurrent : !previousKnown() ? readPrevious : mayRereadCurrent() ? readCurrent : undefined;
      if (read === undefined) return undefined;
      if (backingOff()) {
        // Without AWSPREVIOUS the credential cannot be told from a wrong one; a re-read is only a chance.
        if (read === readPrevious) throw backoffError();
        return undefined;
      }
      await untilDeadline(start(read), deadline, WHAT);
      return accepted();
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

// Secrets Manager names every version; without an id, only the very copy read counts as the same version.
function sameVersion(a: Pick<CurrentVersion, 'versionId'>, b: Pick<CurrentVersion, 'versionId'>): boolean {
  return a === b || (a.versionId !== undefined && a.versionId === b.versionId);
}

function epochMs(date: number | string | undefined): number {
  if (typeof date === 'number') return date * 1000;
  if (typeof date === 'string') return Date.parse(date);
  return Number.NaN;
}
