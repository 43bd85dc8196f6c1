import { processIo } from '../tools/cli/run-command.ts';
import { runRegisterCommand } from '../tools/okta/register-command.ts';
import { loadLocalSettings } from '../tools/cli/local-settings.ts';

loadLocalSettings();

// npm run okta:register -- --url https://.../tokenHook [--secret-id <arn>] [--auth-server <id> --rule <policy>/<rule>] [--dry-run]
process.exitCode = await runRegisterCommand(process.argv.slice(2), processIo());
