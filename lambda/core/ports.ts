import type { BasicCredential } from './basic-auth.ts';

/**
 * What a call needs of its deadline: whether it has passed, why, and a way to hear when it does. An
 * AbortSignal is one (so callers may pass `AbortSignal.timeout(...)`), and so is a request's deadline
 * (lambda/request-deadline.ts), which costs less: Node builds an AbortSignal slowly, on every request.
 */
export interface DeadlineSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A patient whose id has passed the patient id check: what a claim is made of. */
export interface Patient {
  patientId: string;
}

/**
 * A patients-table item as read: `patientId` is a string when the table holds a DynamoDB String, and
 * anything else (absent, a Number, a map...) as something that is not one. The core checks it.
 */
export interface StoredPatient {
  patientId: unknown;
}

/** Where patients live. The deadline aborts the lookup; the caller applies the failure policy. */
export interface PatientStore {
  findPatient(userKey: string, deadline: DeadlineSignal): Promise<StoredPatient | undefined>;
  /** For the health check: settles when the table answered a read (of HEALTH_CHECK_KEY), throws when it did not. */
  checkReadable(deadline: DeadlineSignal): Promise<void>;
}

/** A staging label under which a Secrets Manager version's value is accepted. */
export type SecretStage = 'AWSCURRENT' | 'AWSPREVIOUS' | 'AWSPENDING';

/** Which version of the hook secret holds a credential, and the label it is accepted under. */
export interface SecretVersion {
  id: string;
  stage: SecretStage;
}

/** A credential a caller may present, with the secret version holding it (none for a static credential). */
export interface AcceptedCredential extends BasicCredential {
  version?: SecretVersion;
}

/** The Basic credentials a caller may present. Throws when they cannot be had before the deadline. */
export interface CredentialSource {
  acceptedCredentials(deadline: DeadlineSignal): Promise<readonly AcceptedCredential[]>;
  /**
   * The read worth doing during init. A failure here is the caller's to log, and has no effect on the
   * requests that follow: the first one tries again. Without it, init asks `acceptedCredentials`.
   */
  prepare?(): Promise<void>;
  /**
   * Called when a presented credential matched none. A source may learn one more thing (a rotation it has
   * not seen, the previous version) and answer what it accepts now; the caller asks again while the
   * credential still matches none. `undefined` when there is nothing more to learn now. Throws when what
   * it needed to learn cannot be had before the deadline.
   */
  reloadAfterMismatch?(deadline: DeadlineSignal): Promise<readonly AcceptedCredential[] | undefined>;
}

/** WWW-Authenticate values of a 401: the scheme and realm only, never which check failed. */
export const BASIC_CHALLENGE = 'Basic realm="okta-token-hook", charset="UTF-8"';
export const BEARER_CHALLENGE = 'Bearer realm="okta-token-hook"';

/**
 * Whether the caller may be answered, from its Authorization header: the Basic credential or an OAuth
 * access token. Never throws; a refusal says why for the log, and the caller is told nothing more.
 */
export interface CallerAuthenticator {
  /** The WWW-Authenticate value of a 401: BASIC_CHALLENGE or BEARER_CHALLENGE. */
  readonly challenge: string;
  /** Waits for nothing past the deadline: what cannot be had by then is `CredentialSourceUnavailable`. */
  authenticate(authorization: string | undefined, deadline: DeadlineSignal): Promise<CallerVerdict>;
  /** Work worth doing during init, so the first request does not wait for it. May throw: requests retry it. */
  prepare(): Promise<void>;
  /**
   * For the health check: settles when a caller could be checked now, throws when not (the Basic
   * credential, or OAuth's key set, neither held nor readable). Reads only what a caller's check would
   * read. Absent: always.
   */
  checkReady?(deadline: DeadlineSignal): Promise<void>;
}

export type CallerVerdict =
  | {
      allowed: true;
      /** The secret versions holding the Basic credential presented; absent when none has one (static, OAuth). */
      secretVersions?: readonly SecretVersion[];
    }
  | {
      allowed: false;
      /** `Unauthorized`, or `CredentialSourceUnavailable` when what is needed to check the caller cannot be had. */
      reason: 'Unauthorized' | 'CredentialSourceUnavailable';
      /** Which check refused a token (e.g. `TokenExpired`): for the log only, never for the caller. */
      detail?: string;
      error?: unknown;
    };
