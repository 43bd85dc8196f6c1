import { resolve } from 'node:path';
import { BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { OktaApi } from '../../lambda/okta/management-api.ts';
import { countOf, formatCount, startProgress } from '../cli/output.ts';
import { type CliIo, EXIT, type ExitCode } from '../cli/run-command.ts';
import { resolveLogins } from '../okta/user-lookup.ts';
import { patientItem } from '../../lambda/aws/dynamodb-patient-store.ts';
import { describeStoredPatientId, readAllPatients, type StoredPatientId, storedItemKey, writeInBatches } from './patients-repository.ts';
import type { PatientsTable } from './patients-table-target.ts';
import type { OnWritten } from './replication.ts';
import { type ImportPlan, planImport, RosterFileError, type RosterRow, readRosterFile } from './roster.ts';
import { bindOktaUserIds, type RosterRules, type ValidatedRoster, validateRoster } from './roster-validation.ts';

export interface ImportOptions {
  /** As the operator typed it: messages name the file this way. */
  file: string;
  skipInvalid: boolean;
  dryRun: boolean;
  prune: boolean;
  yes: boolean;
  concurrency: number;
  rules: RosterRules;
  /** With rules.resolveLogins: where to look the logins up, and how many at a time. */
  okta?: { api: OktaApi; concurrency: number };
  /** Told what was written: the puts and the deletes, once they are all done. */
  onWritten: OnWritten;
}

/**
 * Brings the table in step with a roster file: checks every row first (and, keyed by Okta user id
 * with --resolve-okta-ids, looks each login up in Okta), reads the table to find what actually
 * changes, then writes only that (and deletes what the file lacks, with --prune).
 */
export async function runImport(table: PatientsTable, io: CliIo, options: ImportOptions): Promise<ExitCode> {
  const started = performance.now();
  const { file, rules } = options;
  let rows: RosterRow[];
  try {
    rows = readRosterFile(resolve(io.cwd, file), rules.kind === 'oktaId' && !rules.resolveLogins ? 'oktaUserId' : 'username');
  } catch (error) {
    if (!(error instanceof RosterFileError)) throw error;
    io.stderr.write(`${file}${error.line === undefined ? '' : `:${error.line}`}: ${error.message}\n`);
    return EXIT.failed;
  }

  let roster = validateRoster(rows, rules);
  // Okta is asked only about a file that could be imported: its rate limit is shared with sign-ins.
  if (rules.resolveLogins && (roster.badRows === 0 || options.skipInvalid)) {
    roster = bindOktaUserIds(
      roster,
      await lookUpLogins(io, options, options.prune ? roster.mentionedKeys : roster.records.map(({ key }) => key)),
    );
  }
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
  const plan = planImport(roster.records, existing, options.prune ? { keep: roster.mentionedKeys } : undefined);

  if (options.dryRun) {
    io.stdout.write(describeChanges(plan));
    io.stdout.write(`dry run, nothing changed: ${summarize(plan, roster, options)}\n`);
    return EXIT.ok;
  }
  if (plan.deletes.length > 0 && !options.yes && !(await confirmPrune(io, plan, file, table))) return EXIT.failed;

  await applyPlan(table, io, plan, options.concurrency);
  options.onWritten([
    ...[...plan.creates, ...plan.updates].map(({ key, patientId }) => ({ key, patientId })),
    ...plan.deletes.map(({ key }) => ({ key })),
  ]);
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(
    `${file} → ${table.description}: ${summarize(plan, roster, options)} ` +
      `in ${seconds.toFixed(1)} s (${formatCount(Math.round(rows.length / Math.max(seconds, 0.001)))} rows/s)\n`,
  );
  return EXIT.ok;
}

async function lookUpLogins(io: CliIo, options: ImportOptions, logins: Iterable<string>) {
  if (!options.okta) throw new Error('--resolve-okta-ids needs the Okta Management API');
  const pending = new Set(logins);
  const progress = startProgress({ label: 'looking logins up in Okta', total: pending.size, stream: io.stderr });
  const resolutions = await resolveLogins(options.okta.api, pending, {
    concurrency: options.okta.concurrency,
    onResolved: () => progress.advance(1),
  });
  progress.finish();
  return resolutions;
}

async function readTable(table: PatientsTable, io: CliIo): Promise<Map<string, StoredPatientId>> {
  const progress = startProgress({ label: `reading ${table.tableName}`, stream: io.stderr });
  const existing = await readAllPatients(table, (count) => progress.advance(count));
  progress.finish();
  return existing;
}

async function applyPlan(table: PatientsTable, io: CliIo, plan: ImportPlan, concurrency: number): Promise<void> {
  const requests: WriteRequest[] = [
    ...[...plan.creates, ...plan.updates].map((record): WriteRequest => ({ PutRequest: { Item: patientItem(record, table.keyKind) } })),
    ...plan.deletes.map((record): WriteRequest => ({ DeleteRequest: { Key: storedItemKey(record.key, table.keyKind) } })),
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
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return [
    ...plan.creates.map(({ key, patientId }) => `+ ${key} ${patientId}\n`),
    ...plan.updates.map(
      ({ key, patientId, previousPatientId }) => `~ ${key} ${describeStoredPatientId(previousPatientId)} → ${patientId}\n`,
    ),
    ...[...plan.deletes].sort(byKey).map(({ key, patientId }) => `- ${key} ${describeStoredPatientId(patientId)}\n`),
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
