import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';

export interface PatientRecord {
  username: string;
  patientId: string;
}

/** The seed guide's patients, so a newcomer has someone to sign in as. */
export const SAMPLE_PATIENTS: readonly PatientRecord[] = [
  { username: 'jessie.smith@example.com', patientId: '1235' },
  { username: 'kim.sato@example.com', patientId: '6789' },
  { username: 'rajiv.tal@example.com', patientId: '4235' },
];

export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Creates the patients table (same key schema as the CDK stack) when it does not exist yet. */
export async function ensurePatientsTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'exists'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return 'exists';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'username', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'username', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return 'created';
}

/** Puts each patient whose username is not in the table yet; returns how many were added. */
export async function putPatientsIfAbsent(client: DynamoDBClient, tableName: string, patients: readonly PatientRecord[]): Promise<number> {
  let added = 0;
  for (const { username, patientId } of patients) {
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { username: { S: username.trim().toLowerCase() }, patientId: { S: patientId } },
          ConditionExpression: 'attribute_not_exists(username)',
        }),
      );
      added++;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  return added;
}
