import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CliIo, EXIT, type ExitCode, UsageError, runCommand } from '../cli/run-command.ts';
import { basicValueFromSecret, type SecretReader } from './hook-secret.ts';

/** The header Okta sends the secret in: the hook's Authentication field. */
export const AUTHENTICATION_FIELD = 'authorization';
const OUTPUTS_FILE = 'cdk-outputs.json';
const SECRET_OUTPUT = 'HookSecretId';
const VERSION_STAGES = ['AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS'];

export const SECRET_USAGE = `usage: npm run okta:secret -- [--secret-id <arn or name> | --stage <stage>] [options]

Prints the two values to enter in Okta (Workflow > Inline Hooks > the hook > Authentication): the
Authentication field, and the Authentication secret, the whole Basic value of the hook's credential.
That value is the secret: it goes to this terminal only.

Which secret (the first that is given):
  --secret-id <arn|name>   the hook's Secrets Manager secret, the stack output ${SECRET_OUTPUT}
                           (or HOOK_SECRET_ID)
  --stage <stage>          the stack OktaTokenHook-<stage> in the outputs file, which
                           \`cdk deploy --outputs-file ${OUTPUTS_FILE}\` writes
  --outputs-file <path>    that file (default ${OUTPUTS_FILE})
Which version:
  --version-stage AWSCURRENT|AWSPENDING|AWSPREVIOUS
                           default AWSCURRENT; AWSPREVIOUS is the value Okta may still send in
                           the grace period after a rotation
AWS: credentials and region from the SDK's default chain (AWS_PROFILE, AWS_REGION, ...); an ARN
names its own region.
Exit codes: 0 printed, 1 failed (no such secret, no access, no region, ...), 2 usage error.`;

const OPTIONS = {
  'secret-id': { type: 'string' },
  stage: { type: 'string' },
  'outputs-file': { type: 'string' },
  'version-stage': { type: 'string' },
} as const;

export interface SecretDependencies {
  read?: SecretReader;
}

/** `npm run okta:secret`: the whole command as a function of argv, for the script and for tests. */
export function runSecretCommand(argv: readonly string[], io: CliIo, dependencies: SecretDependencies = {}): Promise<ExitCode> {
  return runCommand(argv, io, { usage: SECRET_USAGE, options: OPTIONS }, async ({ values, positionals }) => {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const versionStage = values['version-stage'] ?? 'AWSCURRENT';
    if (!VERSION_STAGES.includes(versionStage)) throw new UsageError(`--version-stage must be one of ${VERSION_STAGES.join(', ')}`);
    const secretId =
      values['secret-id'] ??
      io.env.HOOK_SECRET_ID ??
      secretIdFromOutputs(resolve(io.cwd, values['outputs-file'] ?? OUTPUTS_FILE), values.stage);
    const value = await basicValueFromSecret(secretId, { versionStage, read: dependencies.read });
    io.stdout.write(`Authentication field: ${AUTHENTICATION_FIELD}\nAuthentication secret: ${value}\n`);
    return EXIT.ok;
  });
}

/** The secret's ARN from the outputs file `cdk deploy --outputs-file` writes: `{ stackName: { output: value } }`. */
function secretIdFromOutputs(path: string, stage: string | undefined): string {
  if (!existsSync(path)) {
    throw new UsageError(`no --secret-id, no HOOK_SECRET_ID and no ${path}: pass the ${SECRET_OUTPUT} stack output as --secret-id`);
  }
  const outputs = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string> | undefined>;
  const stacks = Object.entries(outputs).filter(
    ([name, values]) => values?.[SECRET_OUTPUT] && (stage === undefined || name === `OktaTokenHook-${stage}`),
  );
  if (stacks.length !== 1) {
    const found = stacks.map(([name]) => name).join(', ') || 'none';
    throw new UsageError(
      `${path}: expected one stack with ${SECRET_OUTPUT}${stage ? ` for stage ${stage}` : ''}, found ${found}; use --stage`,
    );
  }
  return stacks[0]?.[1]?.[SECRET_OUTPUT] as string;
}
