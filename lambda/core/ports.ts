import type { BasicCredential } from './basic-auth.ts';

export interface Patient {
  patientId: string;
}

/** Where patients live. The deadline aborts the lookup; the caller applies the failure policy. */
export interface PatientStore {
  findPatient(username: string, deadline: AbortSignal): Promise<Patient | undefined>;
}

/** The Basic credentials a caller may present. Throws when they cannot be had right now. */
export interface CredentialSource {
  acceptedCredentials(): Promise<readonly BasicCredential[]>;
  /** Called when a presented credential matched none: a source may re-read (e.g. after a rotation). */
  reloadAfterMismatch?(): Promise<readonly BasicCredential[] | undefined>;
}

/**
 * Whether the caller may be answered, from its Authorization header: the Basic credential or an OAuth
 * access token. Never throws; a refusal says why for the log, and the caller is told nothing more.
 */
export interface CallerAuthenticator {
  /** The WWW-Authenticate value of a 401. */
  readonly challenge: string;
  authenticate(authorization: string | undefined): Promise<CallerVerdict>;
  /** Work worth doing during init, so the first request does not wait for it. May throw: requests retry it. */
  prepare(): Promise<void>;
}

export type CallerVerdict =
  | { allowed: true }
  | {
      allowed: false;
      /** `Unauthorized`, or `CredentialSourceUnavailable` when what is needed to check the caller cannot be had. */
      reason: 'Unauthorized' | 'CredentialSourceUnavailable';
      /** Which check refused a token (e.g. `TokenExpired`): for the log only, never for the caller. */
      detail?: string;
      error?: unknown;
    };
