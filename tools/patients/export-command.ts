import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { type CliIo, EXIT, type ExitCode } from '../cli/run-command.ts';
import { countOf } from '../cli/output.ts';
import { keyFieldOf, type PatientIdRule } from './patient-fields.ts';
import type { PatientRecord } from './patient-item.ts';
import { readAllPatients } from './patients-repository.ts';
import type { PatientsTable } from './patients-table-target.ts';
import { formatRosterCsv, formatRosterJson } from './roster-format.ts';
import { StoredIdTally } from './stored-checks.ts';

/**
 * Writes the whole table, sorted by key, in the import format: JSON for `.json`, CSV otherwise, `-`
 * for stdout. A patient id that is not a String is left out (exit 1) rather than written as a string
 * it never was: a re-import would make it a claim.
 */
export async function runExport(table: PatientsTable, io: CliIo, file: string, rule: PatientIdRule): Promise<ExitCode> {
  const patients = await readAllPatients(table);
  const tally = new StoredIdTally(rule);
  const records: PatientRecord[] = [];
  for (const [key, patientId] of patients) if (tally.add(patientId)) records.push({ key, patientId });
  records.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const keyField = keyFieldOf(table.keyKind);
  const text = extname(file).toLowerCase() === '.json' ? formatRosterJson(records, keyField) : formatRosterCsv(records, keyField);
  if (file === '-') io.stdout.write(text);
  else {
    writeFileSync(resolve(io.cwd, file), text, { mode: 0o600 });
    io.stdout.write(`exported ${countOf(records.length, 'patient')} from ${table.description} to ${file}\n`);
  }
  io.stderr.write(tally.warnings('left out (npm run patients -- list shows them)'));
  return tally.notStrings > 0 ? EXIT.failed : EXIT.ok;
}
