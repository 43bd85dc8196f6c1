import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { patientIdProblem } from '../../lambda/core/patient-record.ts';
import { countOf } from '../cli/output.ts';
import { type CliIo, EXIT, type ExitCode } from '../cli/run-command.ts';
import { keyFieldOf, type PatientIdRule } from './patient-fields.ts';
import type { PatientRecord } from '../../lambda/aws/dynamodb-patient-store.ts';
import { describeStoredPatientId, readAllPatients, type StoredPatientId, scanPatientPages } from './patients-repository.ts';
import type { PatientsTable } from './patients-table-target.ts';
import { formatRosterCsv, formatRosterJson } from './roster.ts';

// The commands that read the whole table, list and export, and what both report on the way: how many
// stored patient ids the hook would refuse.

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

/**
 * Counts what the hook would refuse among patient ids as stored: values that are not a DynamoDB
 * String (written by another tool, or a Number the console made), and strings off the pattern.
 */
export class StoredIdTally {
  notStrings = 0;
  offPattern = 0;

  constructor(private readonly rule: PatientIdRule) {}

  /** Whether the value is a string; counts it either way. */
  add(patientId: StoredPatientId): patientId is string {
    if (typeof patientId !== 'string') {
      this.notStrings++;
      return false;
    }
    if (patientIdProblem(patientId, this.rule.pattern)) this.offPattern++;
    return true;
  }

  /** Lines for stderr, by count only: which ones is for the data output, not for messages. */
  warnings(notStringsAre: string): string {
    const lines: string[] = [];
    if (this.notStrings > 0) {
      lines.push(
        `${countOf(this.notStrings, 'patient')} ${notStringsAre}: the stored patientId is not a String (a Number?), which the hook refuses; put each again as a string`,
      );
    }
    if (this.offPattern > 0) {
      lines.push(
        `${countOf(this.offPattern, 'patient')} ${this.offPattern === 1 ? 'has' : 'have'} a patientId off the pattern ${this.rule.source}, which the hook refuses`,
      );
    }
    return lines.map((line) => `${line}\n`).join('');
  }
}
