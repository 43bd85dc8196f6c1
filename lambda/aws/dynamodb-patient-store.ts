import type { Patient, PatientStore } from '../core/ports.ts';
import type { AwsJsonCall } from './aws-json-client.ts';

type AttributeValue = { S?: string; N?: string };

/** The patients table: partition key `username` (lower-case login), attribute `patientId`. */
export function createDynamoDbPatientStore(call: AwsJsonCall, tableName: string): PatientStore {
  return {
    async findPatient(username, deadline): Promise<Patient | undefined> {
      const output = await call<{ Item?: Record<string, AttributeValue> }>(
        'GetItem',
        {
          TableName: tableName,
          Key: { username: { S: username } },
          ProjectionExpression: '#patientId',
          ExpressionAttributeNames: { '#patientId': 'patientId' },
        },
        deadline,
      );
      const patientId = output.Item?.patientId?.S ?? output.Item?.patientId?.N;
      return patientId ? { patientId } : undefined;
    },
  };
}
