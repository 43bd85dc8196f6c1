import {
  canonicalUserKey,
  HEALTH_CHECK_KEY,
  TABLE_KEY_ATTRIBUTE,
  USER_KEY_PROBLEM_TEXT,
  type UserKeyKind,
  userKeyProblem,
} from '../core/patient-record.ts';
import type { PatientStore, StoredPatient } from '../core/ports.ts';
import type { AwsJsonCall } from './aws-json-client.ts';

type AttributeValue = Record<string, unknown>;

/** The item's attribute that holds the patient id (the key's is TABLE_KEY_ATTRIBUTE's). */
export const PATIENT_ID_ATTRIBUTE = 'patientId';

/**
 * The patients table: partition key `keyAttribute` (the canonical user key), attribute `patientId`.
 * A String comes back as the string; any other type as the attribute itself, which the core refuses:
 * nothing is coerced (a Number "04235" would lose its leading zero).
 */
export function createDynamoDbPatientStore(call: AwsJsonCall, tableName: string, keyAttribute: string): PatientStore {
  return {
    async findPatient(userKey, deadline): Promise<StoredPatient | undefined> {
      const output = await call<{ Item?: Record<string, AttributeValue> }>(
        'GetItem',
        {
          TableName: tableName,
          Key: { [keyAttribute]: { S: userKey } },
          ProjectionExpression: '#patientId',
          ExpressionAttributeNames: { '#patientId': PATIENT_ID_ATTRIBUTE },
        },
        deadline,
      );
      return output.Item ? { patientId: patientIdAsStored(output.Item[PATIENT_ID_ATTRIBUTE]) } : undefined;
    },
    async checkReadable(deadline) {
      // The key alone is projected: whatever is there (nothing, normally) is not read.
      await call(
        'GetItem',
        {
          TableName: tableName,
          Key: { [keyAttribute]: { S: HEALTH_CHECK_KEY } },
          ProjectionExpression: '#key',
          ExpressionAttributeNames: { '#key': keyAttribute },
        },
        deadline,
      );
    },
  };
}

/** A `patientId` attribute as the core checks it: a String's string, anything else as it is (never coerced). */
export function patientIdAsStored<Attribute extends { S?: unknown }>(attribute: Attribute | undefined): string | Attribute | undefined {
  return attribute !== undefined && typeof attribute.S === 'string' ? attribute.S : attribute;
}

/**
 * The patients table's item, in one place: partition key TABLE_KEY_ATTRIBUTE[kind] holding the
 * canonical user key, and `patientId`, a DynamoDB String. Nothing else is stored: a login kept beside
 * an Okta user id would go stale when the user is renamed. The hook reads it above; the tools and the
 * local store write it with these.
 */
export interface PatientRecord {
  /** A canonical login (`login` tables) or an Okta user id (`oktaId` tables). */
  key: string;
  patientId: string;
}

/** The table's key for a login or an Okta user id (canonicalUserKey); throws for a value that can be no key. */
export function patientKey(value: string, kind: UserKeyKind): string {
  const key = canonicalUserKey(value, kind);
  if (key === undefined)
    throw new Error(`not a valid user key: ${value === '' ? 'empty' : USER_KEY_PROBLEM_TEXT[userKeyProblem(value) ?? 'TooLong']}`);
  return key;
}

/** The item's key attributes for a user. */
export function patientItemKey(value: string, kind: UserKeyKind): Record<string, { S: string }> {
  return { [TABLE_KEY_ATTRIBUTE[kind]]: { S: patientKey(value, kind) } };
}

/** The table item for a patient: the key canonical, the patient id kept as the string it is. */
export function patientItem({ key, patientId }: PatientRecord, kind: UserKeyKind): Record<string, { S: string }> {
  return { ...patientItemKey(key, kind), [PATIENT_ID_ATTRIBUTE]: { S: patientId } };
}
