import { processIo } from '../tools/cli/process-io.ts';
import { runRegisterCommand } from '../tools/okta/register-command.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// npm run okta:register -- --url https://.../tokenHook [--secret-id <arn>] [--auth-server <id> --rule <policy>/<rule>] [--dry-run]
process.exitCode = await runRegisterCommand(process.argv.slice(2), processIo());
