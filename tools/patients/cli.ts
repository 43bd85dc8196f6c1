import { type CliIo, type ExitCode, UsageError, runCommand } from '../cli/run-command.ts';
import { createOktaApi, type OktaApi } from '../../lambda/okta/management-api.ts';
import { oktaApiFromEnvironment } from '../okta/okta-environment.ts';
import { DEFAULT_LOOKUP_CONCURRENCY, MAX_LOOKUP_CONCURRENCY } from '../okta/user-lookup.ts';
import { runExport, runList } from './read-commands.ts';
import { runImport } from './import-command.ts';
import { runMigrate } from './migrate-command.ts';
import type { PatientIdRule } from './patient-fields.ts';
import { checkTableKey, explainStoreError, openPatientsTable, type PatientsTable } from './patients-table-target.ts';
import { runDelete, runGet, runPut } from './single-patient-commands.ts';
import { patientIdRuleFrom, userKeyKindFrom } from './table-rules.ts';
import { PATIENTS_USAGE } from './usage.ts';

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
}

const COMMANDS: Record<string, { args: string[]; run: (table: PatientsTable, args: string[], context: Context) => Promise<ExitCode> }> = {
  put: {
    args: ['user', 'patientId'],
    run: (table, [user, patientId], { io, patientIds }) => runPut(table, io, user as string, patientId as string, patientIds),
  },
  get: { args: ['user'], run: (table, [user], { io, patientIds }) => runGet(table, io, user as string, patientIds) },
  delete: { args: ['user'], run: (table, [user], { io }) => runDelete(table, io, user as string) },
  list: { args: [], run: (table, _args, { io, patientIds }) => runList(table, io, patientIds) },
  export: { args: ['file'], run: (table, [file], { io, patientIds }) => runExport(table, io, file as string, patientIds) },
  import: {
    args: ['file'],
    run: (table, [file], { io, values, patientIds, concurrency, okta }) =>
      runImport(table, io, {
        file: file as string,
        dryRun: values['dry-run'] ?? false,
        skipInvalid: values['skip-invalid'] ?? false,
        prune: values.prune ?? false,
        yes: values.yes ?? false,
        concurrency,
        rules: { kind: table.keyKind, patientIds, resolveLogins: okta !== undefined },
        ...(okta ? { okta } : {}),
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
    const context: Context = {
      io,
      values,
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
    const table = openPatientsTable(values, io.env, kind);
    try {
      await checkTableKey(table);
      return await (COMMANDS[name] as (typeof COMMANDS)[string]).run(table, args, context);
    } catch (error) {
      throw explainStoreError(error, table);
    } finally {
      table.client.destroy();
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
