import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { CliIo } from '../cli/cli-io.ts';
import { EXIT, type ExitCode } from '../cli/exit-codes.ts';
import { countOf } from '../cli/counts.ts';
import { readAllPatients } from './patients-repository.ts';
import type { PatientsTable } from './patients-table-target.ts';
import { formatRosterCsv, formatRosterJson } from './roster-format.ts';

/** Writes the whole table, sorted by username, in the import format: JSON for `.json`, CSV otherwise, `-` for stdout. */
export async function runExport(table: PatientsTable, io: CliIo, file: string): Promise<ExitCode> {
  const patients = await readAllPatients(table);
  const records = [...patients]
    .map(([username, patientId]) => ({ username, patientId }))
    .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  const text = extname(file).toLowerCase() === '.json' ? formatRosterJson(records) : formatRosterCsv(records);
  if (file === '-') {
    io.stdout.write(text);
    return EXIT.ok;
  }
  writeFileSync(resolve(io.cwd, file), text, { mode: 0o600 });
  io.stdout.write(`exported ${countOf(records.length, 'patient')} from ${table.description} to ${file}\n`);
  return EXIT.ok;
}
