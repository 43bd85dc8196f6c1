import { processIo } from '../tools/cli/process-io.ts';
import { runExecuteCommand } from '../tools/okta/execute-command.ts';

// npm run okta:execute -- [--user <login>] [--name <hook name> | --id <hook id>]
process.exitCode = await runExecuteCommand(process.argv.slice(2), processIo());
