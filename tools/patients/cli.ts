import { DEFAULT_PATIENT_ID_PATTERN } from '../../lambda/core/patient-record.ts';
import { createOktaApi, type OktaApi } from '../../lambda/okta/management-api.ts';
import { type CliIo, EXIT, type ExitCode, runCommand, UsageError } from '../cli/run-command.ts';
import { oktaApiFromEnvironment } from '../okta/okta-environment.ts';
import { DEFAULT_LOOKUP_CONCURRENCY, MAX_LOOKUP_CONCURRENCY } from '../okta/user-lookup.ts';
import { runImport } from './import-command.ts';
import { runMigrate } from './migrate-command.ts';
import { type PatientIdRule, patientIdRuleFrom, userKeyKindFrom } from './patient-fields.ts';
import { checkTableKey, explainStoreError, openPatientsTable, type PatientsTable } from './patients-table-target.ts';
import { runExport, runList } from './read-commands.ts';
import {
  awaitReplication,
  DEFAULT_REPLICATION_TIMEOUT_SECONDS,
  LOCAL_REPLICAS_VARIABLE,
  MAX_REPLICATION_TIMEOUT_SECONDS,
  type OnWritten,
  openReplicas,
  type Replica,
  type WrittenItem,
} from './replication.ts';
import { runDelete, runGet, runPut } from './single-patient-commands.ts';

export const PATIENTS_USAGE = `Usage: npm run patients -- <command> [options]

Commands:
  put <user> <patientId>       add or change one patient
  get <user>                   print the patient id (exit 1 when not a patient)
  delete <user>                remove one patient
  list                         every patient, one "user<TAB>patientId" line each
  import <file>                bring the table in step with a roster: CSV with a header row
                               "username,patientId" (or "oktaUserId,patientId"), or a JSON
                               array of such objects
  export <file> | --out FILE   write the table to a file as CSV (JSON for .json), mode 600;
                               "-" writes it to stdout: run that with npm run -s, e.g.
                                 npm run -s patients -- export - --local > out.csv
                               else npm's own banner lines go into out.csv too
  migrate --from <login table> --to <Okta-id table>
                               copy a table keyed by login into one keyed by Okta user id,
                               each login looked up in Okta (see Migrate)

Where:
  --local                      the npm start store: http://127.0.0.1:\${DYNAMODB_PORT:-8000},
                               table patients (AWS_ENDPOINT_URL_DYNAMODB wins when set)
  --table NAME                 the table in AWS (default: $PATIENTS_TABLE); credentials and
                               region from the usual AWS chain (AWS_PROFILE, AWS_REGION, ...)
  --key login|oktaId           what the table is keyed by, as the hook's USER_KEY (default:
                               $USER_KEY, else login): login tables hold "username", Okta-id
                               tables "oktaUserId"; <user> is then a login or an Okta user id
  --patient-id-pattern RE      the hook's PATIENT_ID_PATTERN (default: $PATIENT_ID_PATTERN,
                               else ${DEFAULT_PATIENT_ID_PATTERN}): a patient id that does not
                               match it whole is refused, as the hook would refuse it

Import options:
  --dry-run                    show what would change, change nothing
  --skip-invalid               import the good rows even when some are bad
  --prune                      also delete patients the file does not name (asks first)
  --yes, -y                    do not ask before pruning
  --concurrency N              batches of 25 in flight at once (default 8)
  --resolve-okta-ids           with --key oktaId: look each row's username up in Okta
                               (GET /api/v1/users/{login}) and key it by that user's id; a
                               login Okta does not know, or that Okta matches to a user with
                               another login (a login shortname), is a bad row. An oktaUserId
                               column beside it must be the same id.
  --okta-concurrency N         lookups in flight at once (default ${DEFAULT_LOOKUP_CONCURRENCY}, at most ${MAX_LOOKUP_CONCURRENCY}); a 429 from
                               Okta pauses all of them until its rate limit resets

Replication (put, delete, import), for a global table written in its primary region:
  --wait-replicated            after the write, wait until the table's replica in every other
                               region (DescribeTable's Replicas) shows what was written (deletes
                               too), read there with eventually consistent reads; exit 1 with
                               one line naming the regions that did not catch up in time. With
                               --local, the replicas are $${LOCAL_REPLICAS_VARIABLE}, e.g.
                               eu-west-1=http://127.0.0.1:8001 (comma-separated)
  --replication-timeout S      how long to keep reading the replicas, in seconds (default ${DEFAULT_REPLICATION_TIMEOUT_SECONDS}, at most ${MAX_REPLICATION_TIMEOUT_SECONDS})

Migrate options (--local for the npm start store; the tables are on one endpoint):
  --dry-run                    print the items it would write, write nothing
  --concurrency N              puts in flight at once (default 8)
  --okta-concurrency N         as for import
  --left-behind FILE           write the items it could not copy (no Okta user has the login,
                               a shortname match, a patient id the hook refuses, a conflict) to
                               FILE as CSV username,patientId,oktaUserId,reason (mode 600;
                               a dry run writes it too).
                               Without it they are only counted: they come from a table, so
                               there is no file line to name them by, and logins and patient
                               ids stay off terminals and CI logs.
  Items already in the target with the same patient id are left alone; one with a different
  patient id is a conflict, named by Okta user id and never overwritten. Running it again writes
  nothing new. Exit 1 while anything is left behind.

Okta (--resolve-okta-ids, migrate): OKTA_ORG_URL, and OKTA_API_TOKEN (SSWS) or
OKTA_ACCESS_TOKEN (OAuth, scope okta.users.read), as npm run okta:register takes them.

Keys: a login is lower-cased in ASCII A-Z only, exactly as the hook does; nothing is trimmed or
Unicode-folded, so a login with surrounding white space is refused (by file and line), and a
look-alike (a Kelvin sign for K) stays a login of its own. Okta user ids are kept exactly as
written. Patient ids are kept exactly as written and must be strings: a JSON number is refused.
Messages name rows by file and line, never by login or patient id.
Exit codes: 0 done, 1 bad rows / refused / not found / failed, 2 usage error.`;

const OPTIONS = {
  table: { type: 'string' },
  local: { type: 'boolean' },
  key: { type: 'string' },
  'patient-id-pattern': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'skip-invalid': { type: 'boolean' },
  prune: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  concurrency: { type: 'string' },
  'resolve-okta-ids': { type: 'boolean' },
  'okta-concurrency': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'left-behind': { type: 'string' },
  out: { type: 'string' },
  'wait-replicated': { type: 'boolean' },
  'replication-timeout': { type: 'string' },
} as const;

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

/** Options that only some commands take; the rest go with every command. */
const OPTION_COMMANDS: Partial<Record<keyof typeof OPTIONS, readonly string[]>> = {
  table: ['put', 'get', 'delete', 'list', 'export', 'import'],
  key: ['put', 'get', 'delete', 'list', 'export', 'import'],
  'dry-run': ['import', 'migrate'],
  'skip-invalid': ['import'],
  prune: ['import'],
  yes: ['import'],
  concurrency: ['import', 'migrate'],
  'resolve-okta-ids': ['import'],
  'okta-concurrency': ['import', 'migrate'],
  from: ['migrate'],
  to: ['migrate'],
  'left-behind': ['migrate'],
  out: ['export'],
  'wait-replicated': ['put', 'delete', 'import'],
  'replication-timeout': ['put', 'delete', 'import'],
};

const MAX_CONCURRENCY = 32;

interface Context {
  io: CliIo;
  values: Values;
  patientIds: PatientIdRule;
  concurrency: number;
  oktaConcurrency: number;
  /** Set for --resolve-okta-ids. */
  okta?: { api: OktaApi; concurrency: number };
  /** Told what a write command wrote. */
  onWritten: OnWritten;
}

const COMMANDS: Record<string, { args: string[]; run: (table: PatientsTable, args: string[], context: Context) => Promise<ExitCode> }> = {
  put: {
    args: ['user', 'patientId'],
    run: (table, [user, patientId], { io, patientIds, onWritten }) =>
      runPut(table, io, user as string, patientId as string, patientIds, onWritten),
  },
  get: { args: ['user'], run: (table, [user], { io, patientIds }) => runGet(table, io, user as string, patientIds) },
  delete: { args: ['user'], run: (table, [user], { io, onWritten }) => runDelete(table, io, user as string, onWritten) },
  list: { args: [], run: (table, _args, { io, patientIds }) => runList(table, io, patientIds) },
  export: { args: ['file'], run: (table, [file], { io, patientIds }) => runExport(table, io, file as string, patientIds) },
  import: {
    args: ['file'],
    run: (table, [file], { io, values, patientIds, concurrency, okta, onWritten }) =>
      runImport(table, io, {
        file: file as string,
        dryRun: values['dry-run'] ?? false,
        skipInvalid: values['skip-invalid'] ?? false,
        prune: values.prune ?? false,
        yes: values.yes ?? false,
        concurrency,
        rules: { kind: table.keyKind, patientIds, resolveLogins: okta !== undefined },
        ...(okta ? { okta } : {}),
        onWritten,
      }),
  },
};

/** `npm run patients -- <command>`: the whole CLI as a function of argv, for the script and for tests. */
export function runPatientsCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  return runCommand(argv, io, { usage: PATIENTS_USAGE, options: OPTIONS }, async ({ values, positionals }) => {
    const [name, ...args] = positionals;
    if (name === undefined) throw new UsageError('no command given');
    const command = name === 'migrate' ? { args: [] } : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new UsageError(`unknown command "${name}"`);
    checkOptionsFit(name, values);
    if (values.out !== undefined) {
      if (args.length > 0) throw new UsageError('give export a file or --out FILE, not both');
      args.push(values.out);
    }
    if (args.length !== command.args.length) {
      const expected = [name, ...command.args.map((arg) => `<${arg}>`)].join(' ');
      throw new UsageError(`${name} takes ${command.args.length || 'no'} argument${command.args.length === 1 ? '' : 's'}: ${expected}`);
    }
    if (values['replication-timeout'] !== undefined && !values['wait-replicated'])
      throw new UsageError('--replication-timeout goes with --wait-replicated');
    const written: WrittenItem[] = [];
    const context: Context = {
      io,
      values,
      onWritten: (items) => written.push(...items),
      patientIds: patientIdRuleFrom(values['patient-id-pattern'], io.env),
      concurrency: parseWholeNumber('--concurrency', values.concurrency, 8, MAX_CONCURRENCY),
      oktaConcurrency: parseWholeNumber(
        '--okta-concurrency',
        values['okta-concurrency'],
        DEFAULT_LOOKUP_CONCURRENCY,
        MAX_LOOKUP_CONCURRENCY,
      ),
    };
    if (name === 'migrate') return migrate(context);

    const kind = userKeyKindFrom(values.key, io.env);
    if (values['resolve-okta-ids'] && kind !== 'oktaId') {
      throw new UsageError(
        '--resolve-okta-ids needs --key oktaId (or USER_KEY=oktaId): it looks logins up to key the table by Okta user id',
      );
    }
    if (values['resolve-okta-ids']) context.okta = oktaFrom(io, context.oktaConcurrency);
    const replicationTimeout = parseWholeNumber(
      '--replication-timeout',
      values['replication-timeout'],
      DEFAULT_REPLICATION_TIMEOUT_SECONDS,
      MAX_REPLICATION_TIMEOUT_SECONDS,
    );
    const table = openPatientsTable(values, io.env, kind);
    let replicas: Replica[] = [];
    try {
      await checkTableKey(table);
      // Before the write: a table whose replicas cannot be found is refused with nothing written.
      if (values['wait-replicated']) replicas = await openReplicas(table, io.env);
      const exit = await (COMMANDS[name] as (typeof COMMANDS)[string]).run(table, args, context);
      if (exit !== EXIT.ok || !values['wait-replicated']) return exit;
      return await awaitReplication(table, io, replicas, written, replicationTimeout);
    } catch (error) {
      throw explainStoreError(error, table);
    } finally {
      table.client.destroy();
      for (const { client } of replicas) client.destroy();
    }
  });
}

async function migrate({ io, values, patientIds, concurrency, oktaConcurrency }: Context): Promise<ExitCode> {
  if (!values.from || !values.to) throw new UsageError('migrate needs --from <login table> and --to <Okta-id table>');
  if (values.from === values.to) throw new UsageError('--from and --to name the same table');
  const okta = oktaFrom(io, oktaConcurrency);
  const from = openPatientsTable({ table: values.from, local: values.local }, io.env, 'login');
  const to = openPatientsTable({ table: values.to, local: values.local }, io.env, 'oktaId');
  try {
    return await runMigrate(io, {
      from,
      to,
      dryRun: values['dry-run'] ?? false,
      concurrency,
      patientIds,
      okta,
      ...(values['left-behind'] ? { leftBehindFile: values['left-behind'] } : {}),
    });
  } catch (error) {
    throw explainStoreError(error, from);
  } finally {
    from.client.destroy();
    to.client.destroy();
  }
}

function checkOptionsFit(name: string, values: Values): void {
  for (const [option, commands] of Object.entries(OPTION_COMMANDS) as Array<[keyof Values, readonly string[]]>) {
    if (values[option] === undefined || commands.includes(name)) continue;
    if (name === 'migrate' && option === 'table') throw new UsageError('migrate takes --from and --to, not --table');
    if (name === 'migrate' && option === 'key')
      throw new UsageError('migrate reads a login table and writes an Okta-id table: it takes no --key');
    const owners = commands.length === 1 ? commands[0] : `${commands.slice(0, -1).join(', ')} and ${commands.at(-1)}`;
    throw new UsageError(`--${option} is ${/^[aeiou]/.test(owners as string) ? 'an' : 'a'} ${owners} option`);
  }
}

/** The Management API as okta:register reaches it (OKTA_ORG_URL, OKTA_API_TOKEN or OKTA_ACCESS_TOKEN); only reads are sent. */
function oktaFrom(io: CliIo, concurrency: number): { api: OktaApi; concurrency: number } {
  const { orgUrl, authorization } = oktaApiFromEnvironment(io.env);
  return { api: createOktaApi({ orgUrl, authorization, print: (text) => io.stderr.write(`${text}\n`) }), concurrency };
}

function parseWholeNumber(option: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || number > max) throw new UsageError(`${option} must be a whole number from 1 to ${max}`);
  return number;
}
