import { type CliIo, checkNoArguments, type ExitCode } from '../tools/cli/run-command.ts';
import { OKTA_DEFAULT_APP_PORT } from './demo-settings.ts';

const USAGE = `usage: npm run demo

Starts, on 127.0.0.1, the hook as npm start runs it, a local OpenID provider that calls it as Okta does,
and a web app whose "My profile" page lists the ID token's claims; prints the app's URL and the users
to sign in as. Ctrl-C stops it all. It takes no arguments: settings come from the environment.
  DEMO_PORT, DEMO_ISSUER_PORT, DEMO_HOOK_PORT   the app's, the provider's and the hook's ports
                                                (default: any free one; 0 says so too)
  OKTA_ISSUER, OKTA_CLIENT_ID [, OKTA_CLIENT_SECRET]
                                                sign in through this Okta org instead (the app
                                                alone, on DEMO_PORT, default ${OKTA_DEFAULT_APP_PORT})
  Every npm start setting (LOCAL_DATA_DIR, DYNAMODB_PORT, USER_KEY, CLAIM_NAME, ...) applies to the hook.
docs/demo.md says more. Exit codes: 0 stopped by Ctrl-C, 1 failed, 2 usage error or a taken port.`;

/** npm run demo's command line, which has nothing to give: the exit code when it ends the run (--help, an argument). */
export function demoCommandLine(argv: readonly string[], io: CliIo): ExitCode | undefined {
  return checkNoArguments(argv, io, { command: 'npm run demo', usage: USAGE });
}
