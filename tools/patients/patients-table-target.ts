import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_DEFAULTS } from '../../local/local-environment.ts';
import { localDynamoDbClient } from '../../local/patients-table.ts';
import { UsageError } from '../cli/exit-codes.ts';

export interface PatientsTable {
  client: DynamoDBClient;
  tableName: string;
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
export function openPatientsTable({ table, local }: TableChoice, env: Record<string, string | undefined>): PatientsTable {
  if (local) {
    const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB || `http://127.0.0.1:${env.DYNAMODB_PORT || 8000}`;
    const tableName = table || env.PATIENTS_TABLE || LOCAL_DEFAULTS.PATIENTS_TABLE;
    return { client: localDynamoDbClient(endpoint), tableName, description: `table ${tableName} at ${endpoint}`, localEndpoint: endpoint };
  }
  const tableName = table || env.PATIENTS_TABLE;
  if (!tableName) throw new UsageError('which table? Pass --table NAME, set PATIENTS_TABLE, or use --local for the npm start store');
  return { client: new DynamoDBClient({}), tableName, description: `table ${tableName}` };
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
