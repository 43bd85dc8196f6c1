import { patientKey } from '../../local/patients-table.ts';
import type { CliIo } from '../cli/cli-io.ts';
import { EXIT, type ExitCode } from '../cli/exit-codes.ts';
import { checkPatientFields } from './patient-fields.ts';
import { deletePatient, getPatientId, putPatient } from './patients-repository.ts';
import type { PatientsTable } from './patients-table-target.ts';

export async function runPut(table: PatientsTable, io: CliIo, username: string, patientId: string): Promise<ExitCode> {
  const problems = checkPatientFields(username, patientId);
  if (problems.length > 0) {
    for (const { field, reason } of problems) io.stderr.write(`${field}: ${reason}\n`);
    return EXIT.failed;
  }
  const key = patientKey(username);
  const previous = await putPatient(table, { username: key, patientId });
  const change = previous === undefined ? 'added' : previous === patientId ? 'unchanged' : `changed (was ${previous})`;
  io.stdout.write(`${key} → ${patientId}: ${change}\n`);
  return EXIT.ok;
}

/** Prints the patient id alone, so a script can capture it; exit 1 when the user is not a patient. */
export async function runGet(table: PatientsTable, io: CliIo, username: string): Promise<ExitCode> {
  const patientId = await getPatientId(table, username);
  if (patientId === undefined) {
    io.stderr.write(`${patientKey(username)} is not in ${table.description}\n`);
    return EXIT.failed;
  }
  io.stdout.write(`${patientId}\n`);
  return EXIT.ok;
}

/** Deleting someone who is not there is not an error: the table ends as asked. */
export async function runDelete(table: PatientsTable, io: CliIo, username: string): Promise<ExitCode> {
  const key = patientKey(username);
  const previous = await deletePatient(table, key);
  io.stdout.write(previous === undefined ? `${key} was not in ${table.description}\n` : `${key} deleted (was ${previous})\n`);
  return EXIT.ok;
}
