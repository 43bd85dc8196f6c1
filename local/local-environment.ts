import { UsageError } from '../tools/cli/run-command.ts';
import { type EmbeddedDynamoDbProcess, startEmbeddedDynamoDbProcess, storeHolder } from './embedded-dynamodb.ts';
import { checkPortFree, portSetting } from './ports.ts';
import { LOCAL_DEFAULTS, localPatientsTable, localUserKey } from '../tools/cli/local-target.ts';
import { ensurePatientsTable, localDynamoDbCall, putPatientsIfAbsent, SAMPLE_PATIENTS } from './patients-table.ts';

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
  const call = localDynamoDbCall(embedded.endpoint);
  const keyKind = localUserKey(env);
  try {
    const table = await ensurePatientsTable(call, localPatientsTable(env), keyKind);
    if (table === 'created') await putPatientsIfAbsent(call, localPatientsTable(env), SAMPLE_PATIENTS, keyKind);
  } catch (error) {
    await embedded.close();
    throw error;
  }
  return { endpoint: embedded.endpoint, embedded };
}

async function checkStoreFree(dataDir: string): Promise<void> {
  const holder = await storeHolder(dataDir);
  if (holder === undefined) return;
  const who = holder ? `another npm start (its store process ${holder})` : 'another process';
  throw new UsageError(`the store in ${dataDir} is held by ${who}: stop that one, or set LOCAL_DATA_DIR to another folder`);
}

/** The environment a local run gives the handler: the caller's, with local defaults filled in. */
export function localHookEnvironment(env: Record<string, string | undefined>, storeEndpoint: string): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...env, PATIENTS_TABLE: localPatientsTable(env) };
  for (const [key, value] of Object.entries(LOCAL_DEFAULTS)) if (!merged[key]) merged[key] = value;
  merged.AWS_ENDPOINT_URL_DYNAMODB = storeEndpoint;
  return merged;
}
