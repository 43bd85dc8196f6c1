import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedDynamoDb } from '../local/embedded-dynamodb.ts';
import { ensurePatientsTable, localDynamoDbClient } from '../local/patients-table.ts';
import type { CliIo } from '../tools/cli/cli-io.ts';
import { formatCount } from '../tools/cli/counts.ts';
import { runPatientsCli } from '../tools/patients/cli.ts';

// Times `patients import --local` of a generated roster into a fresh embedded store on disk, as npm start
// keeps it, then the same import again (which must write nothing).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values } = parseArgs({
  options: { rows: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '8' }, 'in-memory': { type: 'boolean' } },
});
const rows = Number(values.rows);
const workDir = mkdtempSync(join(tmpdir(), 'patients-import-'));
const store = await startEmbeddedDynamoDb(values['in-memory'] ? {} : { dataDir: join(workDir, 'dynamodb') });
try {
  const client = localDynamoDbClient(store.endpoint);
  await ensurePatientsTable(client, 'patients');
  client.destroy();

  const file = join(workDir, 'roster.csv');
  const lines = ['username,patientId'];
  for (let i = 0; i < rows; i++) lines.push(`patient.${i}@clinic.example,P${String(i).padStart(7, '0')}`);
  writeFileSync(file, `${lines.join('\n')}\n`);

  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: { ...process.env, DYNAMODB_PORT: String(store.port), AWS_ENDPOINT_URL_DYNAMODB: '', PATIENTS_TABLE: '' },
    cwd: workDir,
  };
  const argv = ['import', 'roster.csv', '--local', '--concurrency', String(values.concurrency)];
  for (const run of ['first import', 're-import']) {
    const started = performance.now();
    const code = await runPatientsCli(argv, io);
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`${run} exited with ${code}`);
    console.log(`${run}: ${formatCount(rows)} rows in ${seconds.toFixed(1)} s = ${formatCount(Math.round(rows / seconds))} rows/s (store: ${values['in-memory'] ? 'in memory' : 'LevelDB on disk'}, concurrency ${values.concurrency})`);
  }
} finally {
  await store.close();
  rmSync(workDir, { recursive: true, force: true });
}
