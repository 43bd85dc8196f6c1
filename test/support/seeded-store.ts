import type { UserKeyKind } from '../../lambda/core/patient-record.ts';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { ensurePatientsTable, localDynamoDbCall, putPatientsIfAbsent, SAMPLE_PATIENTS } from '../../local/patients-table.ts';

export interface SeedOptions {
  /** Default patients, as the hook reads it locally. */
  tableName?: string;
  /** What the table is keyed by (default login); an oktaId table needs each patient's oktaUserId. */
  keyKind?: UserKeyKind;
  /** Default local/'s sample patients. */
  patients?: Parameters<typeof putPatientsIfAbsent>[2];
}

/**
 * The one way tests and the bench put patients into a store: the table (made if missing) and the
 * patients, through the same code `npm start` seeds with. A row no tool would write (a wrong type, no
 * patientId) is put with PutItem by the test that needs it.
 */
export async function seedPatients(
  endpoint: string,
  { tableName = 'patients', keyKind = 'login', patients = SAMPLE_PATIENTS }: SeedOptions = {},
): Promise<void> {
  const call = localDynamoDbCall(endpoint);
  await ensurePatientsTable(call, tableName, keyKind);
  await putPatientsIfAbsent(call, tableName, patients, keyKind);
}

/** The embedded store on a given port (default any free one), seeded with the sample patients. */
export async function startSeededStore(port = 0, seed: SeedOptions = {}): Promise<EmbeddedDynamoDb> {
  const store = await startEmbeddedDynamoDb({ port });
  await seedPatients(store.endpoint, seed);
  return store;
}
