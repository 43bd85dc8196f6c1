import { runMeasureImportCommand } from '../local/measure-import-command.ts';
import { processIo } from '../tools/cli/run-command.ts';
import { loadLocalSettings } from '../tools/cli/local-settings.ts';

loadLocalSettings();
process.exitCode = await runMeasureImportCommand(process.argv.slice(2), processIo());
