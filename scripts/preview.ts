import { processIo } from '../tools/cli/run-command.ts';
import { runPreviewCli } from '../tools/preview/cli.ts';
import { loadLocalSettings } from '../tools/cli/local-settings.ts';

loadLocalSettings();
process.exitCode = await runPreviewCli(process.argv.slice(2), processIo());
