import { processIo } from '../tools/cli/run-command.ts';
import { runPatientsCli } from '../tools/patients/cli.ts';
import { loadLocalSettings } from '../tools/cli/local-settings.ts';

loadLocalSettings();
process.exitCode = await runPatientsCli(process.argv.slice(2), processIo());
