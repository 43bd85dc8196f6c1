import { processIo } from '../tools/cli/run-command.ts';
import { runExecuteCommand } from '../tools/okta/execute-command.ts';
import { loadLocalSettings } from '../tools/cli/local-settings.ts';

loadLocalSettings();

// npm run okta:execute -- [--user <login>] [--name <hook name> | --id <hook id>]
process.exitCode = await runExecuteCommand(process.argv.slice(2), processIo());
