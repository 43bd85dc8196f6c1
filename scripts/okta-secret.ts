import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { basicValueFromSecret } from '../tools/okta/hook-secret.ts';

/**
 * Prints the two values to enter in Okta (Workflow > Inline Hooks > the hook > Authentication):
 *
 *   npm run okta:secret -- --secret-id <arn>     (or HOOK_SECRET_ID=<arn>)
 *   npm run okta:secret -- --stage prod          (reads the stack outputs that
 *                                                 `cdk deploy --outputs-file cdk-outputs.json` wrote)
 *
 * Credentials and region come from the AWS SDK's default chain; with an ARN, the region is the ARN's.
 * The value printed is the secret: it goes to this terminal only.
 */
export const AUTHENTICATION_FIELD = 'authorization';
const OUTPUTS_FILE = 'cdk-outputs.json';
const SECRET_OUTPUT = 'HookSecretId';

const USAGE = `usage: npm run okta:secret -- [--secret-id <arn or name>] [--stage <stage>] [--outputs-file <path>] [--version-stage AWSCURRENT|AWSPENDING|AWSPREVIOUS]`;

export async function main(argv: string[], env: Record<string, string | undefined>): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'secret-id': { type: 'string' },
      stage: { type: 'string' },
      'outputs-file': { type: 'string', default: OUTPUTS_FILE },
      'version-stage': { type: 'string', default: 'AWSCURRENT' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return USAGE;
  const secretId = values['secret-id'] ?? env.HOOK_SECRET_ID ?? secretIdFromOutputs(values['outputs-file'], values.stage);
  const value = await basicValueFromSecret(secretId, { versionStage: values['version-stage'] });
  return [`Authentication field: ${AUTHENTICATION_FIELD}`, `Authentication secret: ${value}`].join('\n');
}

/** The secret's ARN from the outputs file `cdk deploy --outputs-file` writes: `{ stackName: { output: value } }`. */
export function secretIdFromOutputs(path: string, stage: string | undefined): string {
  if (!existsSync(path)) {
    throw new Error(`no --secret-id, no HOOK_SECRET_ID and no ${path}: pass the HookSecretId stack output as --secret-id`);
  }
  const outputs = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string> | undefined>;
  const stacks = Object.entries(outputs).filter(
    ([name, values]) => values?.[SECRET_OUTPUT] && (stage === undefined || name === `OktaTokenHook-${stage}`),
  );
  if (stacks.length !== 1) {
    const found = stacks.map(([name]) => name).join(', ') || 'none';
    throw new Error(`${path}: expected one stack with ${SECRET_OUTPUT}${stage ? ` for stage ${stage}` : ''}, found ${found}; use --stage`);
  }
  return stacks[0]?.[1]?.[SECRET_OUTPUT] as string;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(await main(process.argv.slice(2), process.env));
  } catch (error) {
    console.error(`okta:secret: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
