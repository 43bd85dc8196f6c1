import { patientIdProblem } from '../../lambda/core/patient-record.ts';
import { type CliIo, EXIT, type ExitCode } from '../cli/run-command.ts';
import { type FieldProblem, type PatientIdRule, patientIdFieldProblem, userKeyFieldProblem } from './patient-fields.ts';
import { patientKey } from '../../lambda/aws/dynamodb-patient-store.ts';
import { deletePatient, describeStoredPatientId, getPatientId, putPatient } from './patients-repository.ts';
import type { PatientsTable } from './patients-table-target.ts';
import type { OnWritten } from './replication.ts';

export async function runPut(
  table: PatientsTable,
  io: CliIo,
  user: string,
  patientId: string,
  rule: PatientIdRule,
  onWritten: OnWritten,
): Promise<ExitCode> {
  const problems: FieldProblem[] = [];
  const keyProblem = userKeyFieldProblem(user, table.keyKind);
  if (keyProblem) problems.push(keyProblem);
  const idProblem = patientIdFieldProblem(patientId, rule);
  if (idProblem) problems.push({ field: 'patientId', reason: idProblem });
  if (reportProblems(io, problems)) return EXIT.failed;
  const key = patientKey(user, table.keyKind);
  const previous = await putPatient(table, { key, patientId });
  onWritten([{ key, patientId }]);
  const change =
    previous === undefined ? 'added' : previous === patientId ? 'unchanged' : `changed (was ${describeStoredPatientId(previous)})`;
  io.stdout.write(`${key} → ${patientId}: ${change}\n`);
  return EXIT.ok;
}

/**
 * Prints the patient id alone, so a script can capture it; exit 1 when the user is not a patient, or
 * when what is stored is no patient id the hook would use (it is not printed as if it were one).
 */
export async function runGet(table: PatientsTable, io: CliIo, user: string, rule: PatientIdRule): Promise<ExitCode> {
  if (reportProblems(io, lookupProblems(user, table))) return EXIT.failed;
  const { found, patientId } = await getPatientId(table, user);
  if (!found) {
    io.stderr.write(`not in ${table.description}\n`);
    return EXIT.failed;
  }
  if (typeof patientId !== 'string') {
    io.stderr.write(
      `the stored patientId is not a String (${typeof patientId === 'object' && patientId.N !== undefined ? 'a Number' : 'another type'}), which the hook refuses: put it again as a string\n`,
    );
    return EXIT.failed;
  }
  io.stdout.write(`${patientId}\n`);
  if (patientIdProblem(patientId, rule.pattern))
    io.stderr.write(`the stored patientId is off the pattern ${rule.source}, which the hook refuses\n`);
  return EXIT.ok;
}

/** Deleting someone who is not there is not an error: the table ends as asked. */
export async function runDelete(table: PatientsTable, io: CliIo, user: string, onWritten: OnWritten): Promise<ExitCode> {
  if (reportProblems(io, lookupProblems(user, table))) return EXIT.failed;
  const key = patientKey(user, table.keyKind);
  const previous = await deletePatient(table, key);
  // Written or not, the table ends without the user, and so must every replica.
  onWritten([{ key }]);
  io.stdout.write(
    previous.found ? `${key} deleted (was ${describeStoredPatientId(previous.patientId)})\n` : `${key} was not in ${table.description}\n`,
  );
  return EXIT.ok;
}

// A lookup needs a key the table could hold, not a well-formed login: an old item is still found.
function lookupProblems(user: string, table: PatientsTable): FieldProblem[] {
  const problem = userKeyFieldProblem(user, table.keyKind, { emailLike: false });
  return problem ? [problem] : [];
}

function reportProblems(io: CliIo, problems: readonly FieldProblem[]): boolean {
  for (const { field, reason } of problems) io.stderr.write(`${field}: ${reason}\n`);
  return problems.length > 0;
}
