import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { canonicalUserKey, patientIdProblem } from '../../lambda/core/patient-record.ts';
import type { OktaApi } from '../../lambda/okta/management-api.ts';
import { countOf, formatCount, startProgress } from '../cli/output.ts';
import { type CliIo, EXIT, type ExitCode } from '../cli/run-command.ts';
import { type LoginResolution, resolveLogins } from '../okta/user-lookup.ts';
import type { PatientIdRule } from './patient-fields.ts';
import type { PatientRecord } from '../../lambda/aws/dynamodb-patient-store.ts';
import {
  describeStoredPatientId,
  getPatientId,
  putPatientIfAbsent,
  readAllPatients,
  type StoredPatientId,
  type StoredPatientRecord,
  scanPatientPages,
} from './patients-repository.ts';
import { checkTableKey, explainStoreError, type PatientsTable } from './patients-table-target.ts';
import { csvField } from './roster.ts';

export interface MigrateOptions {
  /** The login table (keyKind login) and the Okta-id table (keyKind oktaId). */
  from: PatientsTable;
  to: PatientsTable;
  dryRun: boolean;
  /** Puts in flight at once. */
  concurrency: number;
  patientIds: PatientIdRule;
  okta: { api: OktaApi; concurrency: number };
  /** As the operator typed it: where to write the items left behind, with the reason for each. */
  leftBehindFile?: string;
}

/** Why an item of the login table is not copied. */
type LeftBehindReason = Exclude<LoginResolution['outcome'], 'Found'> | 'NotCanonical' | 'PatientIdRefused' | 'Conflict';

const LEFT_BEHIND_TEXT: Record<LeftBehindReason, string> = {
  NoSuchLogin: 'no Okta user has this login',
  OtherUsersLogin: 'Okta matched a user with another login (a shortname or look-alike): not bound',
  NotLookedUp: "the login has a /, which Okta's Users API cannot look up by login",
  NotCanonical: 'the key is no canonical login (upper case, surrounding white space...): the hook never reads it',
  PatientIdRefused: 'the patientId is not a String or is off the patient id pattern: the hook refuses it',
  Conflict: 'the Okta user already has a different patientId in the target table: not overwritten',
};

interface LeftBehind {
  reason: LeftBehindReason;
  login: string;
  patientId: StoredPatientId;
  oktaUserId?: string;
}

/**
 * Copies a login-keyed table into an Okta-id-keyed one, each login resolved through Okta's Users API
 * (profile.login must be the login itself). Runs again safely: items already there with the same patient
 * id are left alone, and one with a different patient id is a conflict, never overwritten. What cannot be
 * copied is counted on stderr, never named there: the items come from a table, not a file with lines,
 * and logins and patient ids are health data. --left-behind FILE lists them for whoever fixes them.
 */
export async function runMigrate(io: CliIo, options: MigrateOptions): Promise<ExitCode> {
  const started = performance.now();
  const { from, to } = options;
  for (const [table, hint] of [
    [from, '--from must name a login table (keyed by username)'],
    [to, '--to must name a table keyed by oktaUserId (partition key oktaUserId, String)'],
  ] as const) {
    await checkTableKey(table, () => hint).catch((error: unknown) => {
      throw explainStoreError(error, table);
    });
  }

  const source = await readSource(from, io);
  const leftBehind: LeftBehind[] = [];
  const candidates: Array<{ login: string; patientId: string }> = [];
  for (const { key, patientId } of source) {
    if (canonicalUserKey(key, 'login') !== key) leftBehind.push({ reason: 'NotCanonical', login: key, patientId });
    else if (patientIdProblem(patientId, options.patientIds.pattern))
      leftBehind.push({ reason: 'PatientIdRefused', login: key, patientId });
    else candidates.push({ login: key, patientId: patientId as string });
  }

  const resolutions = await lookUpLogins(
    io,
    options,
    candidates.map(({ login }) => login),
  );
  const existing = await readTarget(to, io);
  const creates: PatientRecord[] = [];
  const planned = new Map<string, string>();
  const loginOf = new Map<string, string>();
  let unchanged = 0;
  for (const { login, patientId } of candidates) {
    const resolution = resolutions.get(login) ?? { outcome: 'NoSuchLogin' };
    if (resolution.outcome !== 'Found') {
      leftBehind.push({ reason: resolution.outcome, login, patientId });
      continue;
    }
    const key = resolution.oktaUserId;
    const already = existing.has(key) ? existing.get(key) : planned.get(key);
    if (already === patientId) unchanged++;
    else if (existing.has(key) || planned.has(key)) leftBehind.push({ reason: 'Conflict', login, patientId, oktaUserId: key });
    else {
      creates.push({ key, patientId });
      planned.set(key, patientId);
      loginOf.set(key, login);
    }
  }
  creates.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  let written = creates.length;
  if (options.dryRun) io.stdout.write(creates.map(({ key, patientId }) => `+ ${key} ${patientId}\n`).join(''));
  else {
    const outcome = await writeCreates(to, io, creates, options.concurrency);
    written = outcome.written;
    unchanged += outcome.unchanged;
    for (const { key, patientId } of outcome.conflicts) {
      leftBehind.push({ reason: 'Conflict', login: loginOf.get(key) as string, patientId, oktaUserId: key });
    }
  }

  const conflicts = leftBehind.filter(({ reason }) => reason === 'Conflict');
  for (const { oktaUserId } of conflicts)
    io.stderr.write(`conflict: ${oktaUserId} already has a different patientId in ${to.description}: not overwritten\n`);
  reportLeftBehind(io, options, leftBehind);
  const summary = [
    `${options.dryRun ? 'would be written' : 'written'} ${formatCount(written)}`,
    `unchanged ${formatCount(unchanged)}`,
    `conflicts ${formatCount(conflicts.length)}`,
    `left behind ${formatCount(leftBehind.length - conflicts.length)}`,
  ].join(', ');
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(
    options.dryRun
      ? `dry run, nothing changed: ${from.tableName} → ${to.tableName}: ${summary}\n`
      : `${from.tableName} → ${to.tableName}: ${summary} in ${seconds.toFixed(1)} s\n`,
  );
  return leftBehind.length > 0 ? EXIT.failed : EXIT.ok;
}

async function readSource(table: PatientsTable, io: CliIo): Promise<StoredPatientRecord[]> {
  const progress = startProgress({ label: `reading ${table.tableName}`, stream: io.stderr });
  const records: StoredPatientRecord[] = [];
  for await (const page of scanPatientPages(table)) {
    records.push(...page);
    progress.advance(page.length);
  }
  progress.finish();
  return records;
}

async function readTarget(table: PatientsTable, io: CliIo): Promise<Map<string, StoredPatientId>> {
  const progress = startProgress({ label: `reading ${table.tableName}`, stream: io.stderr });
  const existing = await readAllPatients(table, (count) => progress.advance(count));
  progress.finish();
  return existing;
}

async function lookUpLogins(io: CliIo, { okta }: MigrateOptions, logins: readonly string[]): Promise<Map<string, LoginResolution>> {
  const progress = startProgress({ label: 'looking logins up in Okta', total: logins.length, stream: io.stderr });
  const resolutions = await resolveLogins(okta.api, logins, { concurrency: okta.concurrency, onResolved: () => progress.advance(1) });
  progress.finish();
  return resolutions;
}

/**
 * Puts each new item only where the target has none yet: an item written since the target was read
 * (by an import, or a second migrate) is compared, never overwritten.
 */
async function writeCreates(
  table: PatientsTable,
  io: CliIo,
  creates: readonly PatientRecord[],
  concurrency: number,
): Promise<{ written: number; unchanged: number; conflicts: PatientRecord[] }> {
  const outcome = { written: 0, unchanged: 0, conflicts: [] as PatientRecord[] };
  if (creates.length === 0) return outcome;
  const progress = startProgress({ label: 'writing', total: creates.length, stream: io.stderr });
  let next = 0;
  async function worker(): Promise<void> {
    while (next < creates.length) {
      const record = creates[next++] as PatientRecord;
      if (await putPatientIfAbsent(table, record)) outcome.written++;
      else if ((await getPatientId(table, record.key)).patientId === record.patientId) outcome.unchanged++;
      else outcome.conflicts.push(record);
      progress.advance(1);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, creates.length) }, () => worker()));
  progress.finish();
  return outcome;
}

function reportLeftBehind(io: CliIo, { leftBehindFile }: MigrateOptions, leftBehind: readonly LeftBehind[]): void {
  const counts = new Map<LeftBehindReason, number>();
  for (const { reason } of leftBehind) if (reason !== 'Conflict') counts.set(reason, (counts.get(reason) ?? 0) + 1);
  for (const [reason, count] of counts) io.stderr.write(`${countOf(count, 'item')} left behind: ${LEFT_BEHIND_TEXT[reason]}\n`);
  if (leftBehind.length === 0) return;
  if (!leftBehindFile) {
    io.stderr.write('pass --left-behind FILE to list them (logins and patient ids, so in a file of your own, not on the terminal)\n');
    return;
  }
  const lines = ['username,patientId,oktaUserId,reason'];
  const sorted = [...leftBehind].sort((a, b) => (a.login < b.login ? -1 : a.login > b.login ? 1 : 0));
  for (const { login, patientId, oktaUserId, reason } of sorted) {
    lines.push([login, describeStoredPatientId(patientId), oktaUserId ?? '', LEFT_BEHIND_TEXT[reason]].map(csvField).join(','));
  }
  writeFileSync(resolve(io.cwd, leftBehindFile), `${lines.join('\n')}\n`, { mode: 0o600 });
  io.stderr.write(`${countOf(leftBehind.length, 'item')} left behind listed in ${leftBehindFile}\n`);
}
