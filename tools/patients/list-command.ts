import type { CliIo } from '../cli/cli-io.ts';
import { EXIT, type ExitCode } from '../cli/exit-codes.ts';
import { countOf } from '../cli/counts.ts';
import { scanPatientPages } from './patients-repository.ts';
import type { PatientsTable } from './patients-table-target.ts';

/** Streams the table page by page as `username<TAB>patientId` lines; the count goes to stderr. */
export async function runList(table: PatientsTable, io: CliIo): Promise<ExitCode> {
  let count = 0;
  for await (const page of scanPatientPages(table)) {
    if (page.length > 0) io.stdout.write(page.map(({ username, patientId }) => `${username}\t${patientId}\n`).join(''));
    count += page.length;
  }
  io.stderr.write(`${countOf(count, 'patient')} in ${table.description}\n`);
  return EXIT.ok;
}
