import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, Function, LoggingFormat, Runtime, SystemLogLevel } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { loadConfig } from '../lambda/config.ts';
import { bundleCode } from './bundle-code.ts';
import { createFunctionRole } from './function-role.ts';

/** The one path the function answers on; the API's route is built from the same constant. */
export const HOOK_PATH = '/tokenHook';

export interface HookFunctionProps {
  bundleDir: string;
  table: ITable;
  secret: ISecret;
  claimName: string;
  claimTokens: 'id' | 'access' | 'both';
  failureMode: 'open' | 'closed';
  logRetention: RetentionDays;
}

/** The token hook: the `npm run build` bundle, allowed to read one table item and one secret. */
export class HookFunction extends Construct {
  readonly function: Function;

  constructor(scope: Construct, id: string, props: HookFunctionProps) {
    super(scope, id);
    const environment = {
      HOOK_PATH,
      PATIENTS_TABLE: props.table.tableName,
      HOOK_SECRET_ID: props.secret.secretArn,
      CLAIM_NAME: props.claimName,
      CLAIM_TOKENS: props.claimTokens,
      FAILURE_MODE: props.failureMode,
    };
    // The function checks its configuration at start-up; check the same way here, so a reserved or
    // malformed claim name fails `cdk synth` rather than every sign-in after the deploy.
    loadConfig({ ...environment, PATIENTS_TABLE: 'checked-at-synth', HOOK_SECRET_ID: 'checked-at-synth' });

    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    const role = createFunctionRole(this, 'Role', logGroup, 'Okta token inline hook');
    // Least privilege, and nothing else: read one patient, read the credential. The function asks for
    // the AWSCURRENT and AWSPREVIOUS versions of the secret; GetSecretValue on its ARN covers both.
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [props.table.tableArn] }));
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [props.secret.secretArn] }));

    this.function = new Function(this, 'Function', {
      description: 'Okta token inline hook: adds the patient id claim',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      handler: 'index.handler',
      code: bundleCode(props.bundleDir),
      // Okta waits 3 s and never retries, so time is what this function is sized for. Lambda gives CPU in
      // proportion to memory: at 512 MB the init (a 40 KB bundle and one Secrets Manager read) and the
      // TLS handshakes of a cold start take a fraction of what they take at 128 MB, while a warm
      // invocation (one GetItem) still bills only a few milliseconds; see docs/deploy.md for the cost.
      memorySize: 512,
      // The handler bounds its own calls (store deadline 500 ms, credential read 1.5 s) and answers by the
      // failure policy when they run out. The timeout is the backstop, set to Okta's 3 s: an answer later
      // than that is thrown away by Okta, so running longer would only hold concurrency.
      timeout: Duration.seconds(3),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.INFO,
      environment,
    });
  }
}
