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
      if (!output.Item) return undefined;
      const stored = output.Item.patientId;
      return { patientId: stored !== undefined && typeof stored.S === 'string' ? stored.S : stored };
    },
  };
}
