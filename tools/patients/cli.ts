import type { CliIo } from '../cli/cli-io.ts';
import { type ExitCode, UsageError } from '../cli/exit-codes.ts';
import { runCommand } from '../cli/run-command.ts';
import { runExport } from './export-command.ts';
import { runImport } from './import-command.ts';
import { runList } from './list-command.ts';
import { explainStoreError, openPatientsTable, type PatientsTable } from './patients-table-target.ts';
import { runDelete, runGet, runPut } from './single-patient-commands.ts';
import { PATIENTS_USAGE } from './usage.ts';

const OPTIONS = {
  table: { type: 'string' },
  local: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'skip-invalid': { type: 'boolean' },
  prune: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  concurrency: { type: 'string' },
} as const;

const IMPORT_ONLY = ['dry-run', 'skip-invalid', 'prune', 'yes', 'concurrency'] as const;
const MAX_CONCURRENCY = 32;

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

const COMMANDS: Record<string, { args: string[]; run: (table: PatientsTable, io: CliIo, args: string[], values: Values, concurrency: number) => Promise<ExitCode> }> = {
  put: { args: ['username', 'patientId'], run: (table, io, [username, patientId]) => runPut(table, io, username as string, patientId as string) },
  get: { args: ['username'], run: (table, io, [username]) => runGet(table, io, username as string) },
  delete: { args: ['username'], run: (table, io, [username]) => runDelete(table, io, username as string) },
  list: { args: [], run: (table, io) => runList(table, io) },
  export: { args: ['file'], run: (table, io, [file]) => runExport(table, io, file as string) },
  import: {
    args: ['file'],
    run: (table, io, [file], values, concurrency) =>
      runImport(table, io, {
        file: file as string,
        dryRun: values['dry-run'] ?? false,
        skipInvalid: values['skip-invalid'] ?? false,
        prune: values.prune ?? false,
        yes: values.yes ?? false,
        concurrency,
      }),
  },
};

/** `npm run patients -- <command>`: the whole CLI as a function of argv, for the script and for tests. */
export function runPatientsCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  return runCommand(argv, io, { usage: PATIENTS_USAGE, options: OPTIONS }, async ({ values, positionals }) => {
    const [name, ...args] = positionals;
    if (name === undefined) throw new UsageError('no command given');
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new UsageError(`unknown command "${name}"`);
    if (args.length !== command.args.length) {
      const expected = [name, ...command.args.map((arg) => `<${arg}>`)].join(' ');
      throw new UsageError(`${name} takes ${command.args.length || 'no'} argument${command.args.length === 1 ? '' : 's'}: ${expected}`);
    }
    const misplaced = name === 'import' ? undefined : IMPORT_ONLY.find((option) => values[option] !== undefined);
    if (misplaced) throw new UsageError(`--${misplaced} is an import option`);
    const concurrency = parseConcurrency(values.concurrency);

    const table = openPatientsTable(values, io.env);
    try {
      return await command.run(table, io, args, values, concurrency);
    } catch (error) {
      throw explainStoreError(error, table);
    } finally {
      table.client.destroy();
    }
  });
}

function parseConcurrency(value: string | undefined): number {
  if (value === undefined) return 8;
  const concurrency = Number(value);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}`);
  }
  return concurrency;
}
