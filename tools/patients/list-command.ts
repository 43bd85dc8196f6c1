import { type CliIo, EXIT, type ExitCode } from '../cli/run-command.ts';
import { countOf } from '../cli/output.ts';
import type { PatientIdRule } from './patient-fields.ts';
import { describeStoredPatientId } from './patient-item.ts';
import { scanPatientPages } from './patients-repository.ts';
import type { PatientsTable } from './patients-table-target.ts';
import { StoredIdTally } from './stored-checks.ts';

/**
 * Streams the table page by page as `key<TAB>patientId` lines; the count, and how many patient ids
 * the hook would refuse, go to stderr. A patient id that is not a String is shown as what it is.
 */
export async function runList(table: PatientsTable, io: CliIo, rule: PatientIdRule): Promise<ExitCode> {
  let count = 0;
  const tally = new StoredIdTally(rule);
  for await (const page of scanPatientPages(table)) {
    const lines = page.map(({ key, patientId }) => {
      tally.add(patientId);
      return `${key}\t${describeStoredPatientId(patientId)}\n`;
    });
    if (lines.length > 0) io.stdout.write(lines.join(''));
    count += page.length;
  }
  io.stderr.write(`${countOf(count, 'patient')} in ${table.description}\n${tally.warnings('shown with the type they have')}`);
  return EXIT.ok;
}
