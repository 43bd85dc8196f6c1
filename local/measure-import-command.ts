import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedDynamoDb } from './embedded-dynamodb.ts';
import { ensurePatientsTable, localDynamoDbCall } from './patients-table.ts';
import { type CliIo, EXIT, type ExitCode, runCommand, UsageError } from '../tools/cli/run-command.ts';
import { formatCount } from '../tools/cli/output.ts';
import { runPatientsCli } from '../tools/patients/cli.ts';

const USAGE = `usage: npm run measure:import -- [--rows N] [--concurrency N] [--in-memory]

Times \`npm run patients -- import --local\` of a generated roster into a fresh embedded store on disk,
as npm start keeps it, then the same import again (which must write nothing), and prints rows/s for
each. The store and the roster live in a temporary folder, removed afterwards.
  --rows N          rows in the roster (default 100000)
  --concurrency N   batches of 25 in flight, as patients import --concurrency (default 8, 1 to 32)
  --in-memory       the store in memory instead of LevelDB on disk
Exit codes: 0 measured, 1 an import failed, 2 usage error.`;

const OPTIONS = { rows: { type: 'string' }, concurrency: { type: 'string' }, 'in-memory': { type: 'boolean' } } as const;

/** npm run measure:import, from its command line to its exit code. */
export function runMeasureImportCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  return runCommand(argv, io, { usage: USAGE, options: OPTIONS }, async ({ values, positionals }) => {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const rows = wholeNumber('--rows', values.rows ?? '100000', 10_000_000);
    const concurrency = wholeNumber('--concurrency', values.concurrency ?? '8', 32);
    const inMemory = values['in-memory'] ?? false;
    const workDir = mkdtempSync(join(tmpdir(), 'patients-import-'));
    const store = await startEmbeddedDynamoDb(inMemory ? {} : { dataDir: join(workDir, 'dynamodb') });
    try {
      await ensurePatientsTable(localDynamoDbCall(store.endpoint), 'patients');

      const file = join(workDir, 'roster.csv');
      const lines = ['username,patientId'];
      for (let i = 0; i < rows; i++) lines.push(`patient.${i}@clinic.example,P${String(i).padStart(7, '0')}`);
      writeFileSync(file, `${lines.join('\n')}\n`);

      const importIo: CliIo = {
        ...io,
        env: { ...io.env, DYNAMODB_PORT: String(store.port), AWS_ENDPOINT_URL_DYNAMODB: '', PATIENTS_TABLE: '' },
        cwd: workDir,
      };
      const argv = ['import', 'roster.csv', '--local', '--concurrency', String(concurrency)];
      for (const run of ['first import', 're-import']) {
        const started = performance.now();
        const code = await runPatientsCli(argv, importIo);
        const seconds = (performance.now() - started) / 1000;
        if (code !== 0) throw new Error(`${run} exited with ${code}`);
        io.stdout.write(
          `${run}: ${formatCount(rows)} rows in ${seconds.toFixed(1)} s = ${formatCount(Math.round(rows / seconds))} rows/s (store: ${inMemory ? 'in memory' : 'LevelDB on disk'}, concurrency ${concurrency})\n`,
        );
      }
      return EXIT.ok;
    } finally {
      await store.close();
      rmSync(workDir, { recursive: true, force: true });
    }
  });
}

function wholeNumber(option: string, value: string, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || number > max) throw new UsageError(`${option} must be a whole number from 1 to ${max}`);
  return number;
}
