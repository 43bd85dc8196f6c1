import { BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { resolve } from 'node:path';
import { type PatientRecord, patientItem } from '../../local/patients-table.ts';
import type { CliIo } from '../cli/cli-io.ts';
import { EXIT, type ExitCode } from '../cli/exit-codes.ts';
import { countOf, formatCount } from '../cli/counts.ts';
import { startProgress } from '../cli/progress.ts';
import { writeInBatches } from './batch-writer.ts';
import { type ImportPlan, planImport } from './import-plan.ts';
import { readAllPatients } from './patients-repository.ts';
import type { PatientsTable } from './patients-table-target.ts';
import { readRosterFile } from './roster-file.ts';
import { RosterFileError, type RosterRow } from './roster-row.ts';
import { type ValidatedRoster, validateRoster } from './roster-validation.ts';

export interface ImportOptions {
  /** As the operator typed it: messages name the file this way. */
  file: string;
  skipInvalid: boolean;
  dryRun: boolean;
  prune: boolean;
  yes: boolean;
  concurrency: number;
}

/**
 * Brings the table in step with a roster file: checks every row first, reads the table to find what
 * actually changes, then writes only that (and deletes what the file lacks, with --prune).
 */
export async function runImport(table: PatientsTable, io: CliIo, options: ImportOptions): Promise<ExitCode> {
  const started = performance.now();
  const { file } = options;
  let rows: RosterRow[];
  try {
    rows = readRosterFile(resolve(io.cwd, file));
  } catch (error) {
    if (!(error instanceof RosterFileError)) throw error;
    io.stderr.write(`${file}${error.line === undefined ? '' : `:${error.line}`}: ${error.message}\n`);
    return EXIT.failed;
  }

  const roster = validateRoster(rows);
  for (const { line, field, reason } of roster.problems) io.stderr.write(`${file}:${line}: ${field}: ${reason}\n`);
  if (roster.badRows > 0 && !options.skipInvalid) {
    io.stderr.write(
      `${formatCount(roster.badRows)} of ${countOf(rows.length, 'row')} in ${file} ${roster.badRows === 1 ? 'is' : 'are'} bad: nothing was written. ` +
        `Fix them, or pass --skip-invalid to import the ${countOf(roster.records.length, 'good row')}.\n`,
    );
    return EXIT.failed;
  }
  if (options.prune && rows.length === 0) {
    io.stderr.write(`${file} has no rows: --prune would empty ${table.description}, refusing.\n`);
    return EXIT.failed;
  }

  const existing = await readTable(table, io);
  const plan = planImport(roster.records, existing, options.prune ? { keep: roster.mentionedUsernames } : undefined);

  if (options.dryRun) {
    io.stdout.write(describeChanges(plan));
    io.stdout.write(`dry run, nothing changed: ${summarize(plan, roster, options)}\n`);
    return EXIT.ok;
  }
  if (plan.deletes.length > 0 && !options.yes && !(await confirmPrune(io, plan, file, table))) return EXIT.failed;

  await applyPlan(table, io, plan, options.concurrency);
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(
    `${file} → ${table.description}: ${summarize(plan, roster, options)} ` +
      `in ${seconds.toFixed(1)} s (${formatCount(Math.round(rows.length / Math.max(seconds, 0.001)))} rows/s)\n`,
  );
  return EXIT.ok;
}

async function readTable(table: PatientsTable, io: CliIo): Promise<Map<string, string>> {
  const progress = startProgress({ label: `reading ${table.tableName}`, stream: io.stderr });
  const existing = await readAllPatients(table, (count) => progress.advance(count));
  progress.finish();
  return existing;
}

async function applyPlan(table: PatientsTable, io: CliIo, plan: ImportPlan, concurrency: number): Promise<void> {
  const requests: WriteRequest[] = [
    ...[...plan.creates, ...plan.updates].map((record): WriteRequest => ({ PutRequest: { Item: patientItem(record) } })),
    ...plan.deletes.map((record): WriteRequest => ({ DeleteRequest: { Key: { username: { S: record.username } } } })),
  ];
  if (requests.length === 0) return;
  const progress = startProgress({ label: 'writing', total: requests.length, stream: io.stderr });
  await writeInBatches((input) => table.client.send(new BatchWriteItemCommand(input)), table.tableName, requests, {
    concurrency,
    onWritten: (count) => progress.advance(count),
  });
  progress.finish();
}

async function confirmPrune(io: CliIo, plan: ImportPlan, file: string, table: PatientsTable): Promise<boolean> {
  const question = `--prune deletes ${countOf(plan.deletes.length, 'patient')} of ${table.description} that ${file} does not name.`;
  if (!io.confirm) {
    io.stderr.write(`${question} Nothing was changed: pass --yes to confirm (there is no terminal to ask on).\n`);
    return false;
  }
  const confirmed = await io.confirm(`${question} Continue?`);
  if (!confirmed) io.stderr.write('Nothing was changed.\n');
  return confirmed;
}

function describeChanges(plan: ImportPlan): string {
  const byUsername = (a: PatientRecord, b: PatientRecord) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0);
  return [
    ...plan.creates.map(({ username, patientId }) => `+ ${username} ${patientId}\n`),
    ...plan.updates.map(({ username, patientId, previousPatientId }) => `~ ${username} ${previousPatientId} → ${patientId}\n`),
    ...[...plan.deletes].sort(byUsername).map(({ username, patientId }) => `- ${username} ${patientId}\n`),
  ].join('');
}

function summarize(plan: ImportPlan, roster: ValidatedRoster, { dryRun, prune }: ImportOptions): string {
  const verb = (word: string) => (dryRun ? `would be ${word}` : word);
  const written = plan.creates.length + plan.updates.length;
  const parts = [
    `${verb('written')} ${formatCount(written)} (${formatCount(plan.creates.length)} new, ${formatCount(plan.updates.length)} changed)`,
    `unchanged ${formatCount(plan.unchanged)}`,
    `skipped ${formatCount(roster.badRows)}`,
  ];
  if (prune) parts.push(`${verb('deleted')} ${formatCount(plan.deletes.length)}`);
  if (roster.repeatedRows > 0) parts.push(`${countOf(roster.repeatedRows, 'repeated row')} counted once`);
  return parts.join(', ');
}
