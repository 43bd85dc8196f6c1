import { ensurePatientsTable, putPatientsIfAbsent, SAMPLE_PATIENTS } from '../../local/patients-table.ts';
import { localDynamoDbClient } from '../../tools/cli/local-target.ts';

/** The patients table with local/'s sample patients, in the store at this endpoint. */
export async function seedPatients(endpoint: string, tableName = 'patients'): Promise<void> {
  const client = localDynamoDbClient(endpoint);
  try {
    await ensurePatientsTable(client, tableName);
    await putPatientsIfAbsent(client, tableName, SAMPLE_PATIENTS);
  } finally {
    client.destroy();
  }
}
