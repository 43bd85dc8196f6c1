import { AwsServiceError, type AwsJsonCall, createAwsJsonClient } from '../lambda/aws/aws-json-client.ts';
import { patientItem } from '../lambda/aws/dynamodb-patient-store.ts';
import { TABLE_KEY_ATTRIBUTE, type UserKeyKind } from '../lambda/core/patient-record.ts';
import { LOCAL_CREDENTIALS, LOCAL_DEFAULTS } from '../tools/cli/local-target.ts';

/**
 * The hook's own DynamoDB client (lambda/aws) for a local store: what npm start and the tests make and
 * seed the table with, so they need not load the AWS SDK. The tools, which use the SDK throughout, make
 * theirs with localDynamoDbClient (tools/patients/patients-table-target.ts).
 */
export function localDynamoDbCall(endpoint: string): AwsJsonCall {
  return createAwsJsonClient({
    service: 'dynamodb',
    env: { AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: LOCAL_DEFAULTS.AWS_REGION },
    credentials: () => LOCAL_CREDENTIALS,
  });
}

// Making and seeding a local table has no deadline, as with the SDK.
const NO_DEADLINE = new AbortController().signal;

/** Whether a call failed with this DynamoDB error (its __type's name). */
const failedWith = (error: unknown, code: string) => error instanceof AwsServiceError && error.code === code;

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
  call: AwsJsonCall,
  tableName: string,
  keyKind: UserKeyKind = 'login',
): Promise<'created' | 'exists'> {
  try {
    await call('DescribeTable', { TableName: tableName }, NO_DEADLINE);
    return 'exists';
  } catch (error) {
    if (!failedWith(error, 'ResourceNotFoundException')) throw error;
  }
  const key = TABLE_KEY_ATTRIBUTE[keyKind];
  await call(
    'CreateTable',
    {
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
    NO_DEADLINE,
  );
  await waitUntilActive(call, tableName);
  return 'created';
}

// CreateTable answers while the table is CREATING, and writes to it fail with ResourceNotFoundException
// until it is ACTIVE: at once in dynalite, most of the time, and seconds later in AWS.
async function waitUntilActive(call: AwsJsonCall, tableName: string, timeoutMs = 120_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  for (let delayMs = 10; ; delayMs = Math.min(delayMs * 2, 1000)) {
    const { Table } = await call<{ Table?: { TableStatus?: string } }>('DescribeTable', { TableName: tableName }, NO_DEADLINE);
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > giveUpAt) throw new Error(`table ${tableName} is still ${Table?.TableStatus} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

/** Puts each patient whose key (login, or Okta user id) is not in the table yet; returns how many were added. */
export async function putPatientsIfAbsent(
  call: AwsJsonCall,
  tableName: string,
  patients: ReadonlyArray<Pick<SamplePatient, 'username' | 'patientId'> & Partial<SamplePatient>>,
  keyKind: UserKeyKind = 'login',
): Promise<number> {
  let added = 0;
  for (const patient of patients) {
    const key = keyKind === 'login' ? patient.username : patient.oktaUserId;
    if (key === undefined) throw new Error('a patient for a table keyed by Okta user id needs its oktaUserId');
    try {
      await call(
        'PutItem',
        {
          TableName: tableName,
          Item: patientItem({ key, patientId: patient.patientId }, keyKind),
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': TABLE_KEY_ATTRIBUTE[keyKind] },
        },
        NO_DEADLINE,
      );
      added++;
    } catch (error) {
      if (!failedWith(error, 'ConditionalCheckFailedException')) throw error;
    }
  }
  return added;
}
