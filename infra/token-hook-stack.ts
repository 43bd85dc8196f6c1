import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BUNDLE_DIR, ROTATION_BUNDLE_DIR } from '../scripts/build.ts';
import { HookAlarms } from './hook-alarms.ts';
import { HookApi } from './hook-api.ts';
import { HookCredential } from './hook-credential.ts';
import { HOOK_PATH, HookFunction } from './hook-function.ts';
import { PatientsTable } from './patients-table.ts';
import { resolveSettings, type TokenHookSettings } from './settings.ts';

export interface TokenHookStackProps extends StackProps, TokenHookSettings {
  /** The directory holding the hook's `index.mjs`. Default: what `npm run build` writes, dist/lambda. */
  hookBundleDir?: string;
  /** The directory holding the rotation function's `index.mjs`. Default: dist/rotation. */
  rotationBundleDir?: string;
}

/** The stack name of a stage; the stage is in it, so stages deploy side by side. */
export function tokenHookStackName(stageName: string): string {
  return `OktaTokenHook-${stageName}`;
}

/**
 * Everything the Okta token inline hook needs in one account and region: the patients table, the Basic
 * credential and its rotation, the function, the HTTP API and the alarms. No physical names are set,
 * so CloudFormation derives unique ones for every stage.
 */
export class TokenHookStack extends Stack {
  readonly hookUrl: string;

  constructor(scope: Construct, id: string, props: TokenHookStackProps) {
    super(scope, id, {
      description: `Okta token inline hook that adds a patient id claim (stage ${props.stageName})`,
      ...stackPropsOf(props),
    });
    const settings = resolveSettings(props);
    Tags.of(this).add('project', 'okta-token-hook');
    Tags.of(this).add('stage', settings.stageName);

    const { table } = new PatientsTable(this, 'Patients');
    const credential = new HookCredential(this, 'Credential', {
      rotationBundleDir: props.rotationBundleDir ?? ROTATION_BUNDLE_DIR,
      rotationDays: settings.rotationDays,
      logRetention: settings.logRetention,
    });
    const hook = new HookFunction(this, 'Hook', {
      bundleDir: props.hookBundleDir ?? BUNDLE_DIR,
      table,
      secret: credential.secret,
      claimName: settings.claimName,
      claimTokens: settings.claimTokens,
      failureMode: settings.failureMode,
      logRetention: settings.logRetention,
    });
    const api = new HookApi(this, 'Api', {
      stageName: settings.stageName,
      hookFunction: hook.function,
      hookPath: HOOK_PATH,
      throttleRateLimit: settings.throttleRateLimit,
      throttleBurstLimit: settings.throttleBurstLimit,
      logRetention: settings.logRetention,
    });
    new HookAlarms(this, 'Alarms', {
      hookFunction: hook.function,
      rotationFunction: credential.rotationFunction,
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    });
    this.hookUrl = api.hookUrl;

    new CfnOutput(this, 'HookUrl', {
      description: 'Okta: Workflow > Inline Hooks > Add Inline Hook > Token > URL',
      value: api.hookUrl,
    });
    new CfnOutput(this, 'PatientsTableName', {
      description: 'The patients table (username -> patientId)',
      value: table.tableName,
    });
    new CfnOutput(this, 'HookSecretId', {
      description: 'ARN of the Secrets Manager secret holding the Basic credential (not the value)',
      value: credential.secret.secretArn,
    });
    new CfnOutput(this, 'OktaAuthenticationSecretCommand', {
      description: "Prints the value for Okta's Authentication secret field (Authentication field: authorization)",
      value:
        `aws secretsmanager get-secret-value --region ${this.region} --secret-id ${credential.secret.secretArn} ` +
        `--query SecretString --output text | jq -r '"Basic " + ("\\(.username):\\(.password)" | @base64)'`,
    });
  }
}

/** The props that are the Stack's own, without the hook's settings. */
function stackPropsOf(props: TokenHookStackProps): StackProps {
  const {
    hookBundleDir: _hookBundleDir,
    rotationBundleDir: _rotationBundleDir,
    stageName: _stageName,
    claimName: _claimName,
    claimTokens: _claimTokens,
    failureMode: _failureMode,
    throttleRateLimit: _throttleRateLimit,
    throttleBurstLimit: _throttleBurstLimit,
    alarmEmail: _alarmEmail,
    rotationDays: _rotationDays,
    logRetention: _logRetention,
    ...stackProps
  } = props;
  return stackProps;
}
