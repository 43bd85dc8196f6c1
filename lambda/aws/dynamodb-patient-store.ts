import { HEALTH_CHECK_KEY } from '../core/patient-record.ts';
import type { PatientStore, StoredPatient } from '../core/ports.ts';
import type { AwsJsonCall } from './aws-json-client.ts';

type AttributeValue = Record<string, unknown>;

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
          ExpressionAttributeNames: { '#patientId': 'patientId' },
        },
        deadline,
      );
      return output.Item ? { patientId: patientIdAsStored(output.Item.patientId) } : undefined;
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
