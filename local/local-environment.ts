import type { UserKeyKind } from '../lambda/core/user-key.ts';
import { UsageError } from '../tools/cli/exit-codes.ts';
import { type EmbeddedDynamoDbProcess, startEmbeddedDynamoDbProcess, storeHolder } from './embedded-dynamodb.ts';
import { checkPortFree, portSetting } from './ports.ts';
import { ensurePatientsTable, localDynamoDbClient, putPatientsIfAbsent, SAMPLE_PATIENTS } from './patients-table.ts';

/** Okta's guide uses admin/supersecret; they are the defaults here and nowhere else. */
export const LOCAL_DEFAULTS = {
  PATIENTS_TABLE: 'patients',
  HOOK_USERNAME: 'admin',
  HOOK_PASSWORD: 'supersecret',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

export interface LocalStore {
  endpoint: string;
  /** Undefined when the store is someone else's (AWS_ENDPOINT_URL_DYNAMODB was set). */
  embedded?: EmbeddedDynamoDbProcess;
}

/**
 * The store for a local run: the endpoint in AWS_ENDPOINT_URL_DYNAMODB as it is, or an embedded one,
 * in a process of its own, with the patients table, and the sample patients when it creates the table
 * (a sample patient the operator deleted stays deleted). A taken port or a folder another store holds
 * is a UsageError that says which setting to change.
 */
export async function prepareLocalStore(env: Record<string, string | undefined>, dataDir?: string): Promise<LocalStore> {
  const external = env.AWS_ENDPOINT_URL_DYNAMODB;
  if (external) return { endpoint: external };
  const port = portSetting(env, 'DYNAMODB_PORT', 8000);
  await checkPortFree(port, 'DYNAMODB_PORT');
  if (dataDir) await checkStoreFree(dataDir);
  const embedded = await startEmbeddedDynamoDbProcess({ port, ...(dataDir ? { dataDir } : {}) });
  const client = localDynamoDbClient(embedded.endpoint);
  const keyKind = localUserKey(env);
  try {
    const table = await ensurePatientsTable(client, localPatientsTable(env), keyKind);
    if (table === 'created') await putPatientsIfAbsent(client, localPatientsTable(env), SAMPLE_PATIENTS, keyKind);
  } catch (error) {
    await embedded.close();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint: embedded.endpoint, embedded };
}

async function checkStoreFree(dataDir: string): Promise<void> {
  const holder = await storeHolder(dataDir);
  if (holder === undefined) return;
  const who = holder ? `another npm start (its store process ${holder})` : 'another process';
  throw new UsageError(`the store in ${dataDir} is held by ${who}: stop that one, or set LOCAL_DATA_DIR to another folder`);
}

/** What the local table is keyed by: USER_KEY as the hook reads it (a wrong value is the hook's to refuse). */
export function localUserKey(env: Record<string, string | undefined>): UserKeyKind {
  return env.USER_KEY === 'oktaId' ? 'oktaId' : 'login';
}

/** The local table: PATIENTS_TABLE, else one per kind of key, so switching USER_KEY never reads a table keyed the other way. */
export function localPatientsTable(env: Record<string, string | undefined>): string {
  return env.PATIENTS_TABLE || (localUserKey(env) === 'oktaId' ? LOCAL_OKTA_ID_TABLE : LOCAL_DEFAULTS.PATIENTS_TABLE);
}

const LOCAL_OKTA_ID_TABLE = 'patients-by-okta-id';

/** The environment a local run gives the handler: the caller's, with local defaults filled in. */
export function localHookEnvironment(env: Record<string, string | undefined>, storeEndpoint: string): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...env, PATIENTS_TABLE: localPatientsTable(env) };
  for (const [key, value] of Object.entries(LOCAL_DEFAULTS)) if (!merged[key]) merged[key] = value;
  merged.AWS_ENDPOINT_URL_DYNAMODB = storeEndpoint;
  return merged;
}
