import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { TABLE_KEY_ATTRIBUTE, type UserKeyKind } from '../lambda/core/patient-record.ts';
import { patientItem } from '../tools/patients/patients-repository.ts';

/** A patient by login, as the seed guide lists them, and by the Okta user id a table keyed by id holds. */
export interface SamplePatient {
  username: string;
  oktaUserId: string;
  patientId: string;
}

/**
 * The seed guide's patients, so a newcomer has someone to sign in as. jessie.smith's Okta id is the one
 * in Okta's published example request (examples/okta-example-patient.json).
 */
export const SAMPLE_PATIENTS: readonly SamplePatient[] = [
  { username: 'jessie.smith@example.com', oktaUserId: '00uq8tMo3zV0OfJON0g3', patientId: '1235' },
  { username: 'kim.sato@example.com', oktaUserId: '00uKimSatoExample001', patientId: '6789' },
  { username: 'rajiv.tal@example.com', oktaUserId: '00uRajivTalExample01', patientId: '4235' },
];

/**
 * Creates the patients table when it does not exist yet: partition key TABLE_KEY_ATTRIBUTE[keyKind]
 * (`username` as in the CDK stack, or `oktaUserId` for a table keyed by Okta user id).
 */
export async function ensurePatientsTable(
  client: DynamoDBClient,
  tableName: string,
  keyKind: UserKeyKind = 'login',
): Promise<'created' | 'exists'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return 'exists';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: TABLE_KEY_ATTRIBUTE[keyKind], AttributeType: 'S' }],
      KeySchema: [{ AttributeName: TABLE_KEY_ATTRIBUTE[keyKind], KeyType: 'HASH' }],
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

/** Puts each patient whose key (login, or Okta user id) is not in the table yet; returns how many were added. */
export async function putPatientsIfAbsent(
  client: DynamoDBClient,
  tableName: string,
  patients: ReadonlyArray<Pick<SamplePatient, 'username' | 'patientId'> & Partial<SamplePatient>>,
  keyKind: UserKeyKind = 'login',
): Promise<number> {
  let added = 0;
  for (const patient of patients) {
    const key = keyKind === 'login' ? patient.username : patient.oktaUserId;
    if (key === undefined) throw new Error('a patient for a table keyed by Okta user id needs its oktaUserId');
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: patientItem({ key, patientId: patient.patientId }, keyKind),
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': TABLE_KEY_ATTRIBUTE[keyKind] },
        }),
      );
      added++;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  return added;
}
