import { type CliIo, checkNoArguments, type ExitCode } from '../tools/cli/run-command.ts';

const USAGE = `usage: npm start

Runs the hook's Lambda handler on http://127.0.0.1:$PORT (default 3000) behind the same API Gateway
event Lambda gets, with an embedded DynamoDB store on $DYNAMODB_PORT (default 8000) whose data stays in
$LOCAL_DATA_DIR (default .data/dynamodb), and the sample patients when it creates the table. Ctrl-C
stops it. It takes no arguments: settings come from the environment (and .env), as the Lambda's do:
  PORT, DYNAMODB_PORT, LOCAL_DATA_DIR, AWS_ENDPOINT_URL_DYNAMODB (another store), HOOK_USERNAME,
  HOOK_PASSWORD (default admin / supersecret), USER_KEY, CLAIM_NAME, FAILURE_MODE, LOG_LEVEL, ...
Exit codes: 0 stopped by Ctrl-C, 1 failed or its store stopped, 2 usage error, a taken port or a store
held by another npm start.`;

/** npm start's command line, which has nothing to give: the exit code when it ends the run (--help, an argument). */
export function startCommandLine(argv: readonly string[], io: CliIo): ExitCode | undefined {
  return checkNoArguments(argv, io, { command: 'npm start', usage: USAGE });
}
