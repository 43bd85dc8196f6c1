import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { patientIdAsStored } from '../../lambda/aws/dynamodb-patient-store.ts';
import {
  canonicalUserKey,
  TABLE_KEY_ATTRIBUTE,
  type UserKeyKind,
  USER_KEY_PROBLEM_TEXT,
  userKeyProblem,
} from '../../lambda/core/patient-record.ts';

/**
 * The patients table's item, in one place: partition key TABLE_KEY_ATTRIBUTE[kind] holding the
 * canonical user key, and `patientId`, a DynamoDB String. Nothing else is stored: a login kept beside
 * an Okta user id would go stale when the user is renamed.
 */
export interface PatientRecord {
  /** A canonical login (`login` tables) or an Okta user id (`oktaId` tables). */
  key: string;
  patientId: string;
}

/** A patient id as the table holds it: the string of a DynamoDB String, else the attribute itself (never coerced). */
export type StoredPatientId = string | AttributeValue | undefined;

export interface StoredPatientRecord {
  key: string;
  patientId: StoredPatientId;
}

/** The table's key for a login or an Okta user id (canonicalUserKey); throws for a value that can be no key. */
export function patientKey(value: string, kind: UserKeyKind): string {
  const key = canonicalUserKey(value, kind);
  if (key === undefined)
    throw new Error(`not a valid user key: ${value === '' ? 'empty' : USER_KEY_PROBLEM_TEXT[userKeyProblem(value) ?? 'TooLong']}`);
  return key;
}

/** The item's key attributes for a user. */
export function patientItemKey(value: string, kind: UserKeyKind): Record<string, AttributeValue> {
  return { [TABLE_KEY_ATTRIBUTE[kind]]: { S: patientKey(value, kind) } };
}

/** The key attributes of an item as read back, exactly as stored: what deletes a legacy, non-canonical key too. */
export function storedItemKey(key: string, kind: UserKeyKind): Record<string, AttributeValue> {
  return { [TABLE_KEY_ATTRIBUTE[kind]]: { S: key } };
}

/** The table item for a patient: the key canonical, the patient id kept as the string it is. */
export function patientItem({ key, patientId }: PatientRecord, kind: UserKeyKind): Record<string, AttributeValue> {
  return { ...patientItemKey(key, kind), patientId: { S: patientId } };
}

/** An item as read back, or undefined when it has no key of this kind (an item of another table shape). */
export function storedPatientRecord(item: Record<string, AttributeValue>, kind: UserKeyKind): StoredPatientRecord | undefined {
  const key = item[TABLE_KEY_ATTRIBUTE[kind]]?.S;
  return key === undefined ? undefined : { key, patientId: storedPatientId(item) };
}

// Like the hook: a String is its string; a Number (or anything else) stays what it is, so it is refused
// rather than read as "4235" when the clinic's id was "04235".
export function storedPatientId(item: Record<string, AttributeValue> | undefined): StoredPatientId {
  return patientIdAsStored(item?.patientId);
}

/** A stored patient id for people: the string itself, or what kind of value stands in its place. */
export function describeStoredPatientId(value: StoredPatientId): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '(no patientId)';
  if (value.N !== undefined) return `${value.N} (a Number)`;
  return `(a ${Object.keys(value)[0] ?? 'non-String'} value)`;
}
