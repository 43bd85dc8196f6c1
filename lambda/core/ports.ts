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
