import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_KEY_ATTRIBUTE, type UserKeyKind } from '../../lambda/core/patient-record.ts';
import { UsageError } from '../cli/run-command.ts';
import { LOCAL_CREDENTIALS, LOCAL_DEFAULTS, localPatientsTable } from '../cli/local-target.ts';

/** An AWS SDK DynamoDB client for a local store, which takes any credentials. */
export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_DEFAULTS.AWS_REGION, credentials: LOCAL_CREDENTIALS });
}

export interface PatientsTable {
  client: DynamoDBClient;
  tableName: string;
  /** What the table is keyed by: items carry TABLE_KEY_ATTRIBUTE[keyKind]. */
  keyKind: UserKeyKind;
  /** For messages: which table, and where. */
  description: string;
  /** Set for the local store, so a refused connection can say what to start. */
  localEndpoint?: string;
}

export interface TableChoice {
  table?: string | undefined;
  local?: boolean | undefined;
}

/**
 * The table a command works on. `--local` is the store `npm start` runs (or the endpoint it was told to
 * use); otherwise AWS as the SDK finds it: default credential chain and region, and the SDK itself
 * honours AWS_ENDPOINT_URL_DYNAMODB.
 */
export function openPatientsTable(
  { table, local }: TableChoice,
  env: Record<string, string | undefined>,
  keyKind: UserKeyKind,
): PatientsTable {
  if (local) {
    const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB || `http://127.0.0.1:${env.DYNAMODB_PORT || 8000}`;
    const tableName = table || localPatientsTable({ ...env, USER_KEY: keyKind });
    return {
      client: localDynamoDbClient(endpoint),
      tableName,
      keyKind,
      description: `table ${tableName} at ${endpoint}`,
      localEndpoint: endpoint,
    };
  }
  const tableName = table || env.PATIENTS_TABLE;
  if (!tableName) throw new UsageError('which table? Pass --table NAME, set PATIENTS_TABLE, or use --local for the npm start store');
  return { client: new DynamoDBClient({}), tableName, keyKind, description: `table ${tableName}` };
}

/**
 * Refuses a table keyed by the other kind of key before anything is read or written: a login table
 * read as an Okta-id table looks empty, and every write to it fails half way.
 */
export async function checkTableKey(
  table: PatientsTable,
  hint = (kind: UserKeyKind) => `pass --key ${kind} (or set USER_KEY=${kind})`,
): Promise<void> {
  const attribute = await tableKeyAttribute(table);
  const expected = TABLE_KEY_ATTRIBUTE[table.keyKind];
  if (attribute === undefined || attribute === expected) return;
  const kind = (Object.keys(TABLE_KEY_ATTRIBUTE) as UserKeyKind[]).find((candidate) => TABLE_KEY_ATTRIBUTE[candidate] === attribute);
  throw new Error(`${table.description} is keyed by ${attribute}, not ${expected}: ${kind ? hint(kind) : 'it is no patients table'}`);
}

/** The table's partition key attribute; undefined for a role without dynamodb:DescribeTable, which skips the check. */
async function tableKeyAttribute(table: PatientsTable): Promise<string | undefined> {
  try {
    const { Table } = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));
    return Table?.KeySchema?.find((element) => element.KeyType === 'HASH')?.AttributeName;
  } catch (error) {
    if ((error as { name?: string })?.name === 'AccessDeniedException') return undefined;
    throw error;
  }
}

/** A store error in operator terms: what was unreachable or missing, and what to do about it. */
export function explainStoreError(error: unknown, table: PatientsTable): Error {
  const name = (error as { name?: string })?.name;
  const code = (error as { code?: string })?.code;
  if (table.localEndpoint && (code === 'ECONNREFUSED' || name === 'ECONNREFUSED' || /ECONNREFUSED/.test(String(error)))) {
    return new Error(`cannot reach the local store at ${table.localEndpoint}: is npm start running (DYNAMODB_PORT)?`);
  }
  if (name === 'ResourceNotFoundException') return new Error(`${table.description} does not exist (check the name and AWS region)`);
  return error instanceof Error ? error : new Error(String(error));
}
