import { processIo } from '../tools/cli/run-command.ts';
import { runSecretCommand } from '../tools/okta/secret-command.ts';
import { loadLocalSettings } from '../tools/cli/local-settings.ts';

loadLocalSettings();

// npm run okta:secret -- [--secret-id <arn> | --stage <stage>] [--version-stage AWSPREVIOUS]
process.exitCode = await runSecretCommand(process.argv.slice(2), processIo());
