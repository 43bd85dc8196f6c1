import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { canonicalUserKey } from '../lambda/core/user-key.ts';

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

/** The table's key for a login (canonicalUserKey); throws for a value that can be no login. */
export function patientKey(username: string): string {
  const key = canonicalUserKey(username, 'login');
  if (key === undefined) throw new Error('not a valid login: control characters, surrounding white space or over 256 characters');
  return key;
}

/** The table item for a patient: the key normalised, the patient id kept as the string it is. */
export function patientItem({ username, patientId }: PatientRecord): Record<'username' | 'patientId', { S: string }> {
  return { username: { S: patientKey(username) }, patientId: { S: patientId } };
}

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
  await waitUntilActive(client, tableName);
  return 'created';
}

// CreateTable answers while the table is CREATING, and writes to it fail with ResourceNotFoundException
// until it is ACTIVE: at once in dynalite, most of the time, and seconds later in AWS.
async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs = 120_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  for (let delayMs = 10; ; delayMs = Math.min(delayMs * 2, 1000)) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > giveUpAt) throw new Error(`table ${tableName} is still ${Table?.TableStatus} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

/** Puts each patient whose username is not in the table yet; returns how many were added. */
export async function putPatientsIfAbsent(client: DynamoDBClient, tableName: string, patients: readonly PatientRecord[]): Promise<number> {
  let added = 0;
  for (const patient of patients) {
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: patientItem(patient),
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
