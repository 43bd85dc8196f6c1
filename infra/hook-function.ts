import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ConfigError, DEFAULT_HOOK_PATH, loadConfig } from '../lambda/config.ts';
import type { UserKeyKind } from '../lambda/core/patient-record.ts';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { bundleCode } from './bundle-code.ts';
import { decryptThroughSecretsManager } from './data-key.ts';
import { acknowledgeInHipaaAndNist, NO_DLQ_REASON, NO_VPC_REASON } from './compliance.ts';
import { createFunctionRole } from './function-role.ts';
import { SettingsError } from './settings.ts';

/** Why the hook's role may call BatchGetSecretValue on "*" (cdk-nag AwsSolutions-IAM5). */
export const BATCH_GET_SECRET_VALUE_REASON =
  'secretsmanager:BatchGetSecretValue has no resource type in IAM, so it can only be granted on "*". It returns ' +
  'nothing on its own: Secrets Manager checks secretsmanager:GetSecretValue for each secret in the batch, and ' +
  'the role has that only on the Basic credential and the user-hash key. It lets init read both in one round trip.';

/**
 * A secret as the function reads it: the id it asks Secrets Manager for, and the ARN its role may read.
 * A secret of the stack is both its ARN; a local replica of another region's secret is asked for by name
 * (infra/regions.ts, replicaArn).
 */
export interface SecretReference {
  secretId: string;
  arn: string;
}

/** How the function tells Okta from a stranger (`HOOK_AUTH`). */
export type HookAuth =
  | {
      mode: 'basic';
      /** The Basic credential, `{"username", "password"}`. */
      secret: SecretReference;
      /** How long after a rotation the previous version is still accepted. */
      rotationGraceHours: number;
    }
  | {
      mode: 'oauth';
      // Optional in the type, required by the function: its own configuration check says which is missing.
      issuer?: string;
      audience?: string;
      scope?: string;
      clientId?: string;
    };

export interface HookFunctionProps {
  bundleDir: string;
  table: ITable;
  auth: HookAuth;
  userKey: UserKeyKind;
  patientIdPattern: string;
  claimName: string;
  claimTokens: 'id' | 'access' | 'both';
  failureMode: 'open' | 'closed';
  /** Replay window (`MAX_EVENT_AGE_SECONDS`); off when absent. */
  maxEventAgeSeconds?: number;
  /**
   * The HMAC key of the user hash in log lines, a plain-string secret. The function reads it at init
   * (`USER_HASH_KEY_SECRET_ID`): its value is in no template and in no function configuration.
   */
  userHashKey: SecretReference;
  logRetention: RetentionDays;
  /** Concurrent executions reserved for the function (the `reservedConcurrency` setting); 0 reserves none. */
  reservedConcurrency: number;
  /** The stage's CloudWatch namespace for the function's outcome counts (METRICS_NAMESPACE). */
  metricsNamespace: string;
  /** The stack's data key (infra/data-key.ts), which encrypts the function's log group and the secrets it reads. */
  encryptionKey: IKey;
}

/**
 * The setting of the stack behind each variable the stack passes, so a refused value at synth names
 * what to change (`-c <key>=...` or the prop of the same name).
 */
const SETTING_OF_VARIABLE: Record<string, string> = {
  USER_KEY: 'userKey',
  PATIENT_ID_PATTERN: 'patientIdPattern',
  CLAIM_NAME: 'claimName',
  CLAIM_TOKENS: 'claimTokens',
  FAILURE_MODE: 'failureMode',
  ROTATION_GRACE_HOURS: 'rotationGraceHours',
  MAX_EVENT_AGE_SECONDS: 'maxEventAgeSeconds',
  METRICS_NAMESPACE: 'stageName',
  OAUTH_ISSUER: 'oauthIssuer',
  OAUTH_AUDIENCE: 'oauthAudience',
  OAUTH_SCOPE: 'oauthScope',
  OAUTH_CLIENT_ID: 'oauthClientId',
};

/**
 * The token hook: the `npm run build` bundle, allowed to read one table item, the user-hash key and, in
 * Basic mode, the Basic credential.
 */
export class HookFunction extends Construct {
  readonly function: LambdaFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: HookFunctionProps) {
    super(scope, id);
    const { auth } = props;
    const environment: Record<string, string> = {
      HOOK_PATH: DEFAULT_HOOK_PATH,
      PATIENTS_TABLE: props.table.tableName,
      USER_KEY: props.userKey,
      PATIENT_ID_PATTERN: props.patientIdPattern,
      CLAIM_NAME: props.claimName,
      CLAIM_TOKENS: props.claimTokens,
      FAILURE_MODE: props.failureMode,
      HOOK_AUTH: auth.mode,
      METRICS_NAMESPACE: props.metricsNamespace,
      ...(props.maxEventAgeSeconds === undefined ? {} : { MAX_EVENT_AGE_SECONDS: String(props.maxEventAgeSeconds) }),
      // Where the key is, not the key: a value in the environment (a dynamic reference resolved at deploy
      // time) would be readable by whoever may read the function's configuration.
      USER_HASH_KEY_SECRET_ID: props.userHashKey.secretId,
      ...(auth.mode === 'basic'
        ? { HOOK_SECRET_ID: auth.secret.secretId, ROTATION_GRACE_HOURS: String(auth.rotationGraceHours) }
        : definedOnly({
            OAUTH_ISSUER: auth.issuer,
            OAUTH_AUDIENCE: auth.audience,
            OAUTH_SCOPE: auth.scope,
            OAUTH_CLIENT_ID: auth.clientId,
          })),
    };
    checkAtSynth(environment);

    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, encryptionKey: props.encryptionKey });
    this.logGroup = logGroup;
    const role = createFunctionRole(this, 'Role', logGroup, 'Okta token inline hook');
    // Least privilege, and nothing else: read one patient, the user-hash key and, in Basic mode, the
    // credential. The function asks for the AWSCURRENT and AWSPREVIOUS versions of the credential
    // (GetSecretValue on its ARN covers both) and, to know since when AWSPREVIOUS is the previous one, the
    // secret's metadata (DescribeSecret: which version is AWSCURRENT, the rotation function's current-since
    // tag, LastChangedDate), never its value. At init it reads the credential and the key in one
    // BatchGetSecretValue (Basic mode; OAuth mode reads the key alone). In OAuth mode the caller check reads
    // only the issuer's public keys, over HTTPS: no AWS permission.
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [props.table.tableArn] }));
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [props.userHashKey.arn] }));
    if (auth.mode === 'basic') {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          resources: [auth.secret.arn],
        }),
      );
      // IAM has no resource type for BatchGetSecretValue: it is granted on "*" or not at all. On its own it
      // returns nothing; each secret in the batch is checked against GetSecretValue, granted above on two ARNs.
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:BatchGetSecretValue'], resources: ['*'] }));
      Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: BATCH_GET_SECRET_VALUE_REASON });
    }
    // The secrets are under the stack's data key: readable only with that key too, and only through Secrets Manager.
    role.addToPrincipalPolicy(decryptThroughSecretsManager(props.encryptionKey));

    this.function = new LambdaFunction(this, 'Function', {
      description: 'Okta token inline hook: adds the patient id claim',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      handler: 'index.handler',
      code: bundleCode(props.bundleDir),
      // Okta waits 3 s and never retries, so time is what this function is sized for. Lambda gives CPU in
      // proportion to memory: at 512 MB the init (a 62 KB bundle and one Secrets Manager read) and the
      // TLS handshakes of a cold start take a fraction of what they take at 128 MB, while a warm
      // invocation (one GetItem) still bills only a few milliseconds; see docs/operations.md for the cost.
      memorySize: 512,
      // The handler answers within 1 s of receiving the request (lambda/request-deadline.ts: one 900 ms
      // budget shared by the credential read, the key set and the store lookup, then the answer) by the
      // failure policy if need be. The timeout is the backstop for a bug past that bound: 2 s, so a stuck
      // invocation still ends inside Okta's 3 s with API Gateway's 5xx (which alarms) instead of holding
      // its concurrency until Okta has long given up. A cold start's init (its credential read bounded at
      // 700 ms) is not counted against it.
      timeout: Duration.seconds(2),
      // Reserved from the account's unreserved pool (which Lambda keeps at 100 or more): the hook is never
      // starved by another function and never runs more copies than the stage's throttling lets through.
      ...(props.reservedConcurrency > 0 ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      // WARN drops Lambda's own platform.start, platform.runtimeDone and platform.report records (the JSON
      // format's START/END/REPORT): three billed log lines a call besides the hook's one. Lost with
      // them: each invocation's billed duration, memory used and init duration from REPORT. Lambda's own
      // metrics (Duration, Errors, Throttles, ConcurrentExecutions) remain, and so do the hook's line
      // (durationMs, ColdStart) and the access log's latencyMs.
      systemLogLevelV2: SystemLogLevel.WARN,
      environment,
    });
    acknowledgeInHipaaAndNist(this.function, 'LambdaDLQ', NO_DLQ_REASON);
    acknowledgeInHipaaAndNist(this.function, 'LambdaInsideVPC', NO_VPC_REASON);
    if (props.reservedConcurrency === 0) {
      acknowledgeInHipaaAndNist(
        this.function,
        'LambdaConcurrency',
        'The operator set reservedConcurrency=0 (an account whose concurrency limit leaves no room to reserve): the ' +
          "stage's API throttling still bounds how many copies run at once.",
      );
    }
  }
}

/**
 * The function checks its configuration at start-up; check the same way here, with the same code, so a
 * reserved claim name or an OAuth issuer that is not https fails `cdk synth` rather than every sign-in
 * after the deploy. References that resolve only at deploy time are stood in for.
 */
function checkAtSynth(environment: Record<string, string>): void {
  const standIns = {
    PATIENTS_TABLE: 'checked-at-synth',
    USER_HASH_KEY_SECRET_ID: 'checked-at-synth',
    ...(environment.HOOK_SECRET_ID ? { HOOK_SECRET_ID: 'checked-at-synth' } : {}),
  };
  try {
    loadConfig({ ...environment, ...standIns });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const variable = /^[A-Z][A-Z_]+/.exec(error.message)?.[0];
    const setting = variable === undefined ? undefined : SETTING_OF_VARIABLE[variable];
    throw new SettingsError(setting ? `${error.message} (setting "${setting}")` : error.message, { cause: error });
  }
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}
