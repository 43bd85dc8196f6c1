import type { BasicCredential } from '../core/basic-auth.ts';
import type { AcceptedCredential, CredentialSource, SecretStage, DeadlineSignal } from '../core/ports.ts';
import { createFailureBackoff, untilDeadline } from '../request-deadline.ts';
import type { AwsJsonCall } from './aws-json-client.ts';

export interface SecretsManagerCredentialOptions {
  /** How long AWSPREVIOUS stays accepted after AWSCURRENT moved (a rotation, or a rollback). */
  graceMs?: number;
  /** A mismatch re-reads AWSCURRENT, and a stale copy is read again, at most this often. */
  reloadIntervalMs?: number;
  /** A mismatch looks for a new AWSPENDING version (DescribeSecret) at most this often. */
  pendingCheckIntervalMs?: number;
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
  /**
   * How `prepare()` (init) reads AWSCURRENT, when not with GetSecretValue: the wiring reads it in one
   * BatchGetSecretValue with the user-hash key (user-hash-key-secret.ts). Every later read is this source's own.
   */
  readCurrentAtInit?: (signal: DeadlineSignal) => Promise<SecretValue>;
}

export const DEFAULT_ROTATION_GRACE_MS = 24 * 60 * 60_000;
/**
 * How the hook's password is generated, both when the stack creates the secret and at each rotation:
 * 64 letters and digits, about 380 bits, nothing that needs escaping in a header, a shell or a form.
 */
export const PASSWORD_LENGTH = 64;

/**
 * The tag our rotation function puts on the secret right after it moves AWSCURRENT (finishSecret):
 * `<version id now AWSCURRENT> <epoch seconds of the move>`. Secrets Manager keeps no date of a label's move.
 */
export const CURRENT_SINCE_TAG = 'okta-token-hook:current-since';
const RELOAD_INTERVAL_MS = 30_000;
/**
 * During a rotation Okta sends the AWSPENDING value from setSecret on, and testSecret has Okta call with
 * it: an instance learns of a new pending version within this long of the first mismatch after it was
 * staged. The rotation function's execute retries wait longer than this (okta-hook-target.ts).
 */
export const PENDING_CHECK_INTERVAL_MS = 5_000;
const MAX_AGE_MS = 5 * 60_000;
// A read in the same region takes tens of milliseconds. The requests waiting for one stop at their own
// deadline (request-deadline.ts); this bound frees the read for the next request soon after.
export const FETCH_TIMEOUT_MS = 700;
// Secrets Manager failing is no reason to call it more: without a back-off every request Okta (or a
// stranger) sends during an outage would start a read of its own, each retried by the client.
export const BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 30_000;
const WHAT = 'the hook secret read';

/** Refused without a call: a read failed a moment ago and the next waits for the back-off. */
export class SecretReadBackoffError extends Error {
  override name = 'SecretReadBackoffError';
  readonly code = 'SecretReadBackoff';
  constructor(retryInMs: number, options?: ErrorOptions) {
    super(`the hook secret is not read again for ${Math.ceil(retryInMs)} ms after a failed read`, options);
  }
}

/** The answers of one read disagree on which version holds a label: a label moved while they were given. */
export class SecretStagesChangingError extends Error {
  override name = 'SecretStagesChangingError';
  readonly code = 'SecretStagesChanging';
  constructor() {
    super('Secrets Manager named another version for AWSCURRENT or AWSPREVIOUS than it returned: read again after the back-off');
  }
}

/** The value of the CURRENT_SINCE_TAG for `versionId` made AWSCURRENT at `movedAtMs`. */
export function currentSinceTagValue(versionId: string, movedAtMs: number): string {
  // Rounded up: a time read after the move, never before it, so the grace is never cut short.
  return `${versionId} ${Math.ceil(movedAtMs / 1000)}`;
}

interface CurrentVersion {
  credential: AcceptedCredential;
  versionId?: string;
  readAt: number;
}

interface PreviousVersion {
  /** The AWSCURRENT version this AWSPREVIOUS was read beside: a rotation makes it another's. */
  beside: CurrentVersion;
  /** None when the secret was never rotated, or the value is not a credential. */
  credential?: AcceptedCredential;
  /** When AWSCURRENT moved onto `beside`: the grace counts from here. */
  movedAt: number;
}

/** What GetSecretValue (and each entry of BatchGetSecretValue) answers that the source uses. */
export interface SecretValue {
  SecretString?: string;
  VersionId?: string;
}

interface PendingVersion {
  versionId: string;
  /** None while the version has no value yet (Secrets Manager stages it before createSecret), or is no credential. */
  credential?: AcceptedCredential;
}

interface SecretMetadata {
  /** Epoch seconds: the last time the secret changed in any way (a value, a staging label, a tag). */
  LastChangedDate?: number | string;
  Tags?: Array<{ Key?: string; Value?: string }>;
  VersionIdsToStages?: Record<string, string[]>;
}

/**
 * The hook's Basic credential from a Secrets Manager secret `{"username": ..., "password": ...}`.
 * AWSCURRENT is always accepted; AWSPREVIOUS too during the grace after AWSCURRENT moved (a rotation, a
 * rollback), so a value Okta still sends keeps working: calls under way when the rotation function
 * updated Okta, or until an operator pastes the new value after a rotation by hand.
 *
 * Init reads AWSCURRENT alone (in Lambda, in one BatchGetSecretValue with the user-hash key). When a presented credential first matches none, AWSCURRENT, AWSPREVIOUS
 * and DescribeSecret (when AWSCURRENT moved) are read together, once for each version of AWSCURRENT: only
 * such a request waits for them. After that a mismatch re-reads AWSCURRENT (a rotation this instance has
 * not seen) at most once per 30 s, so wrong credentials cannot drive calls to Secrets Manager; a copy
 * older than 5 minutes is re-read in the background while requests go on with it.
 *
 * During a rotation the version staged AWSPENDING is accepted too, while the instance's latest
 * DescribeSecret shows it so: Okta sends it from the rotation's setSecret on. Every DescribeSecret the
 * instance makes (the first mismatch, the re-reads above) notes the pending version and reads its value
 * once per version; on top, a mismatch looks for a new one at most once per 5 s (one DescribeSecret call),
 * so a wrong credential costs at most one call per 5 s, one more per 30 s, and one per new version.
 * Each value accepted carries its version id and the label it is accepted under, so a caller check can say
 * which version a caller presented (a rotation check needs exactly the pending one).
 *
 * One read at a time, shared by the requests that need it, each waiting no longer than its deadline.
 * A failed read starts a back-off (1 s, doubling to 30 s) during which nothing is read and a request that
 * needs a read is refused at once; `prepare()` (init) starts none, so the first request always tries. A
 * failed re-read keeps the copy: a Secrets Manager outage after a successful read never locks Okta out.
 */
export function createSecretsManagerCredentialSource(
  call: AwsJsonCall,
  secretId: string,
  options: SecretsManagerCredentialOptions = {},
): CredentialSource {
  const {
    graceMs = DEFAULT_ROTATION_GRACE_MS,
    reloadIntervalMs = RELOAD_INTERVAL_MS,
    pendingCheckIntervalMs = PENDING_CHECK_INTERVAL_MS,
    maxAgeMs = MAX_AGE_MS,
    fetchTimeoutMs = FETCH_TIMEOUT_MS,
    backoffMs = BACKOFF_MS,
    maxBackoffMs = MAX_BACKOFF_MS,
    now = () => Date.now(),
    random = Math.random,
    readCurrentAtInit,
  } = options;
  let current: CurrentVersion | undefined;
  let previous: PreviousVersion | undefined;
  let reading: Promise<void> | undefined;
  let pending: PendingVersion | undefined;
  let lastCurrentReadStarted = Number.NEGATIVE_INFINITY;
  let lastDescribeStarted = Number.NEGATIVE_INFINITY;
  const backoff = createFailureBackoff(backoffMs, maxBackoffMs, random);
  let lastFailure: unknown;

  const backingOff = () => !backoff.allows(now());
  const backoffError = () => new SecretReadBackoffError(backoff.retryAt - now(), { cause: lastFailure });
  const mayRereadCurrent = () => now() - lastCurrentReadStarted >= reloadIntervalMs;
  const mayLookForPending = () => now() - lastDescribeStarted >= pendingCheckIntervalMs;
  const previousKnown = () => current !== undefined && previous !== undefined && sameVersion(previous.beside, current);

  function start(read: (signal: DeadlineSignal) => Promise<void>, { backOffOnFailure = true } = {}): Promise<void> {
    const work = read(AbortSignal.timeout(fetchTimeoutMs))
      .then(
        () => backoff.succeeded(),
        (error: unknown) => {
          lastFailure = error;
          if (backOffOnFailure) backoff.failed(now());
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

  function readAwsCurrent(signal: DeadlineSignal, read = getAwsCurrent): Promise<CurrentVersion> {
    lastCurrentReadStarted = now();
    return read(signal).then((value) => ({
      credential: withVersion(parseBasicCredentialSecret(value.SecretString), value.VersionId, 'AWSCURRENT'),
      ...(value.VersionId === undefined ? {} : { versionId: value.VersionId }),
      readAt: now(),
    }));
  }

  function getAwsCurrent(signal: DeadlineSignal): Promise<SecretValue> {
    return call<SecretValue>('GetSecretValue', { SecretId: secretId, VersionStage: 'AWSCURRENT' }, signal);
  }

  function describe(signal: DeadlineSignal): Promise<SecretMetadata> {
    lastDescribeStarted = now();
    return call<SecretMetadata>('DescribeSecret', { SecretId: secretId }, signal);
  }

  /** Notes the version staged AWSPENDING (not AWSCURRENT too), reading its value once per version. */
  async function notePending(metadata: SecretMetadata, signal: DeadlineSignal): Promise<void> {
    const versionId = Object.entries(metadata.VersionIdsToStages ?? {}).find(
      ([, stages]) => stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT'),
    )?.[0];
    if (versionId === undefined) {
      pending = undefined;
      return;
    }
    if (pending?.versionId === versionId && pending.credential !== undefined) return;
    const value = await call<SecretValue>(
      'GetSecretValue',
      { SecretId: secretId, VersionId: versionId, VersionStage: 'AWSPENDING' },
      signal,
    ).catch((error: unknown) => {
      // Staged but not written yet, or moved on since DescribeSecret: nothing to accept.
      if ((error as { code?: unknown }).code === 'ResourceNotFoundException') return undefined;
      throw error;
    });
    pending = { versionId, ...(value === undefined ? {} : credentialOrNothing(value.SecretString, versionId, 'AWSPENDING')) };
  }

  async function readCurrent(signal: DeadlineSignal): Promise<void> {
    const [read, metadata] = await Promise.all([readAwsCurrent(signal), describe(signal)]);
    if (!holds(metadata, read.versionId, 'AWSCURRENT')) throw new SecretStagesChangingError();
    current = read;
    await notePending(metadata, signal);
  }

  async function lookForPending(signal: DeadlineSignal): Promise<void> {
    const metadata = await describe(signal);
    // AWSCURRENT moved since the last read (a rotation finished): the value Okta now sends is no longer
    // pending, and waiting for the next re-read would refuse it until then.
    const currentNow = Object.entries(metadata.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
    if (currentNow !== undefined && current?.versionId !== undefined && currentNow !== current.versionId) {
      return readCurrentAndPrevious(signal);
    }
    await notePending(metadata, signal);
  }

  async function readCurrentAlone(signal: DeadlineSignal): Promise<void> {
    current = await readAwsCurrent(signal);
  }

  async function readCurrentAtInitAlone(signal: DeadlineSignal): Promise<void> {
    current = await readAwsCurrent(signal, readCurrentAtInit);
  }

  async function readCurrentAndPrevious(signal: DeadlineSignal): Promise<void> {
    const [read, value, metadata] = await Promise.all([
      readAwsCurrent(signal),
      call<SecretValue>('GetSecretValue', { SecretId: secretId, VersionStage: 'AWSPREVIOUS' }, signal).catch((error: unknown) => {
        // A secret never rotated has no AWSPREVIOUS: that is an answer, not a failure.
        if ((error as { code?: unknown }).code === 'ResourceNotFoundException') return undefined;
        throw error;
      }),
      describe(signal),
    ]);
    // Three answers of an eventually consistent service: a label moving between them would pair a value
    // with another version's date. Kept out like a failed read, and read again after the back-off.
    if (!holds(metadata, read.versionId, 'AWSCURRENT') || (value !== undefined && !holds(metadata, value.VersionId, 'AWSPREVIOUS'))) {
      throw new SecretStagesChangingError();
    }
    current = read;
    previous = {
      beside: read,
      ...(value === undefined ? {} : credentialOrNothing(value.SecretString, value.VersionId, 'AWSPREVIOUS')),
      movedAt: whenCurrentMoved(read.versionId, metadata),
    };
    await notePending(metadata, signal);
  }

  function accepted(): readonly AcceptedCredential[] {
    if (current === undefined) throw lastFailure ?? new Error('the hook secret has not been read');
    const old = previous !== undefined && previousKnown() && now() < previous.movedAt + graceMs ? previous.credential : undefined;
    return [current.credential, ...(old ? [old] : []), ...(pending?.credential ? [pending.credential] : [])];
  }

  function refreshIfStale(): void {
    if (current === undefined || now() - current.readAt < maxAgeMs) return;
    if (reading || backingOff() || !mayRereadCurrent()) return;
    start(readCurrent).catch(() => undefined);
  }

  return {
    async prepare() {
      if (current !== undefined) return;
      // Init is on no request's clock, and no request has waited yet: a failure here must not make the
      // first one wait for a back-off before it even tries.
      await (reading ?? start(readCurrentAtInitAlone, { backOffOnFailure: false }));
    },
    async acceptedCredentials(deadline) {
      if (current !== undefined) {
        refreshIfStale();
        return accepted();
      }
      if (!reading && backingOff()) throw backoffError();
      await untilDeadline(reading ?? start(readCurrentAlone), deadline, WHAT);
      return accepted();
    },
    async reloadAfterMismatch(deadline) {
      if (current === undefined) return undefined;
      // The read under way may be the one this credential needs (AWSPREVIOUS, a rotation): wait for it.
      if (reading) {
        await untilDeadline(reading, deadline, WHAT);
        return accepted();
      }
      // Once for each version of AWSCURRENT, else at most once per interval, and never during a back-off.
      const read = !previousKnown()
        ? readCurrentAndPrevious
        : mayRereadCurrent()
          ? readCurrent
          : mayLookForPending()
            ? lookForPending
            : undefined;
      if (read === undefined) return undefined;
      if (backingOff()) {
        // Without AWSPREVIOUS the credential cannot be told from a wrong one; a re-read is only a chance.
        if (read === readCurrentAndPrevious) throw backoffError();
        return undefined;
      }
      await untilDeadline(start(read), deadline, WHAT);
      return accepted();
    },
  };
}

/**
 * When AWSCURRENT moved onto `versionId`. Our rotation function's tag says so exactly when it names this
 * version. Otherwise AWSCURRENT was moved some other way (by hand, a rollback with UpdateSecretVersionStage,
 * another rotation function), or the tag could not be written: then DescribeSecret's LastChangedDate, "the
 * last date and time that this secret was modified in any way", never before the move. Only in that case
 * can a later change to the secret (a tag, the next rotation's AWSPENDING version, a failed rotation left
 * pending) lengthen the grace, even reopen it for an instance that reads it then; rotating through the
 * rotation function avoids it. A tag later than LastChangedDate cannot be true (tagging changes the
 * secret): the tag can shorten the grace LastChangedDate would give, never lengthen it. With neither date
 * the result is NaN, and AWSPREVIOUS is not accepted.
 */
function whenCurrentMoved(versionId: string | undefined, metadata: SecretMetadata): number {
  const lastChanged = epochMs(metadata.LastChangedDate);
  const tag = metadata.Tags?.find((candidate) => candidate.Key === CURRENT_SINCE_TAG)?.Value;
  const tagged = /^(\S+) (\d{1,12})$/.exec(tag ?? '');
  if (tagged === null || versionId === undefined || tagged[1] !== versionId) return lastChanged;
  const since = Number(tagged[2]) * 1000;
  return Number.isNaN(lastChanged) ? since : Math.min(since, lastChanged);
}

/** Whether DescribeSecret shows `stage` on `versionId` (an answer without a version id cannot be checked). */
function holds(metadata: SecretMetadata, versionId: string | undefined, stage: string): boolean {
  return versionId === undefined || (metadata.VersionIdsToStages?.[versionId]?.includes(stage) ?? false);
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

function credentialOrNothing(
  secretString: string | undefined,
  versionId: string | undefined,
  stage: SecretStage,
): { credential?: AcceptedCredential } {
  try {
    return { credential: withVersion(parseBasicCredentialSecret(secretString), versionId, stage) };
  } catch {
    return {};
  }
}

/** Each accepted value carries the version it was read from, kept once at read time rather than per request. */
function withVersion(credential: BasicCredential, versionId: string | undefined, stage: SecretStage): AcceptedCredential {
  return versionId === undefined ? credential : { ...credential, version: { id: versionId, stage } };
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
