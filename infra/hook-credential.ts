import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  ApplicationLogLevel,
  Architecture,
  CfnPermission,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type CfnSecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CURRENT_SINCE_TAG, PASSWORD_LENGTH } from '../lambda/aws/secrets-manager-credentials.ts';
import type { OktaAuthKind } from '../lambda/okta/service-app.ts';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { bundleCode } from './bundle-code.ts';
import { decryptThroughSecretsManager, encryptReplicaThroughSecretsManager } from './data-key.ts';
import { acknowledgeInHipaaAndNist, NO_DLQ_REASON, NO_VPC_REASON, ROTATION_CONCURRENCY_REASON } from './compliance.ts';
import { createFunctionRole } from './function-role.ts';
import { replicaArn, replicateSecret, type SecretReplication } from './regions.ts';

export const HOOK_USERNAME = 'okta-hook';

/** The inline hook in Okta that automatic rotation updates, and how the rotation signs in to Okta. */
export interface OktaRotationTarget {
  orgUrl: string;
  hookId: string;
  auth: OktaAuthKind;
}

export interface HookCredentialProps {
  rotationBundleDir: string;
  rotationDays: number;
  logRetention: RetentionDays;
  /** Without it nothing rotates on a schedule: a rotation Okta does not learn of would lock it out. */
  okta?: OktaRotationTarget;
  /** The stack's data key (infra/data-key.ts): both secrets and the rotation log group are under it. */
  encryptionKey: IKey;
  /** Several regions: the credential's replicas, which the rotation here keeps up to date. None when absent. */
  replication?: SecretReplication;
}

/** Why the hook's credential has no rotation schedule without the Okta settings (cdk-nag AwsSolutions-SMG4). */
export const MANUAL_ROTATION_REASON =
  'Without oktaOrgUrl and oktaHookId nothing can give Okta a rotated credential, and Okta keeps sending the old one: ' +
  'a scheduled rotation would make every token hook call answer 401 once the grace period ends. Rotation is by hand ' +
  '(docs/operations.md, "Rotating by hand"); set the Okta settings for automatic rotation that updates Okta itself.';

/** Why the Okta credential secret does not rotate in Secrets Manager (cdk-nag AwsSolutions-SMG4). */
export const OKTA_CREDENTIAL_ROTATION_REASON =
  "The Okta credential secret holds the service app's private key (or an Okta API token) that Okta issues and checks: " +
  'a new key is registered in Okta first (Admin Console, the app, Public keys) and then put here, so Secrets Manager ' +
  'cannot rotate it on its own. The secret is created empty and only the rotation function may read it.';

/** Why the rotation role may use "every key" of a replica region, narrowed by conditions (cdk-nag AwsSolutions-IAM5). */
export const REPLICA_KEY_REASON =
  "Secrets Manager encrypts each new version of the credential's replica under that region's data key, on the " +
  "rotation role's behalf. The primary region's stack knows that key only by its alias, and IAM names a key for " +
  'Encrypt and GenerateDataKey only by its key ARN, so the resource is every key of the account in that region; ' +
  "the conditions let through only the key with the stage's alias (kms:ResourceAliases), and only when that " +
  "region's Secrets Manager asks (kms:ViaService).";

/**
 * The Basic credential Okta sends, `{"username": "okta-hook", "password": <generated>}`. AWS generates
 * the password, so it is never in the template. With the Okta settings a rotation function replaces it
 * every `rotationDays`, updating the inline hook in Okta through Okta's Management API and testing it
 * before it takes effect; it signs in to Okta with the Okta credential secret, created empty here for an
 * operator to fill. The hook accepts the previous version for a grace period after each rotation.
 */
export class HookCredential extends Construct {
  readonly secret: Secret;
  /** Only with the Okta settings. */
  readonly rotationFunction?: LambdaFunction;
  /** The secret the rotation function signs in to Okta with; only with the Okta settings. */
  readonly oktaCredential?: Secret;
  /** The rotation function's log group; only with the Okta settings. */
  readonly logGroup?: LogGroup;

  constructor(scope: Construct, id: string, props: HookCredentialProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'Basic credential Okta presents to the token inline hook (Authorization header)',
      encryptionKey: props.encryptionKey,
      ...(props.replication ? { secretName: props.replication.secretName } : {}),
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: HOOK_USERNAME }),
        generateStringKey: 'password',
        passwordLength: PASSWORD_LENGTH,
        excludePunctuation: true,
        includeSpace: false,
        requireEachIncludedType: true,
      },
    });
    if (props.replication) replicateSecret(this.secret, props.replication);

    if (props.okta === undefined) {
      Validations.of(this.secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: MANUAL_ROTATION_REASON });
      acknowledgeInHipaaAndNist(this.secret, 'SecretsManagerRotationEnabled', MANUAL_ROTATION_REASON);
      return;
    }
    const { okta } = props;
    this.oktaCredential = new Secret(this, 'OktaCredential', {
      encryptionKey: props.encryptionKey,
      description:
        props.okta.auth === 'apiToken'
          ? 'Okta API token the hook credential rotation uses: {"apiToken": "00..."} (filled by an operator)'
          : 'Okta service app the hook credential rotation uses: {"clientId": "0oa...", "privateKeyJwk": {...}} (filled by an operator)',
    });
    // Created with no value at all: Secret would otherwise generate one, which is no Okta credential.
    (this.oktaCredential.node.defaultChild as CfnSecret).addPropertyDeletionOverride('GenerateSecretString');
    Validations.of(this.oktaCredential).acknowledge({ id: 'AwsSolutions-SMG4', reason: OKTA_CREDENTIAL_ROTATION_REASON });
    acknowledgeInHipaaAndNist(this.oktaCredential, 'SecretsManagerRotationEnabled', OKTA_CREDENTIAL_ROTATION_REASON);

    this.logGroup = new LogGroup(this, 'RotationLogs', { retention: props.logRetention, encryptionKey: props.encryptionKey });
    const logGroup = this.logGroup;
    const role = createFunctionRole(this, 'RotationRole', logGroup, 'Rotates the Okta hook Basic credential and updates it in Okta');
    const rotationFunction = new LambdaFunction(this, 'RotationFunction', {
      description: 'Rotation of the Okta hook Basic credential, updating the inline hook in Okta',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      handler: 'index.handler',
      code: bundleCode(props.rotationBundleDir),
      // Runs once a rotation, off Okta's clock. testSecret may ask Okta to execute the hook three times,
      // 6 s apart, each up to 2 x 3 s: a minute covers it. No VPC: it reaches Okta over the internet.
      memorySize: 256,
      timeout: Duration.seconds(60),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.INFO,
      environment: {
        OKTA_ORG_URL: okta.orgUrl,
        OKTA_HOOK_ID: okta.hookId,
        OKTA_AUTH: okta.auth,
        OKTA_CREDENTIAL_SECRET_ID: this.oktaCredential.secretArn,
        // Several regions: setSecret gives Okta the new value only once each of these holds it (docs/regions.md).
        ...(props.replication ? { REPLICA_REGIONS: props.replication.regions.join(',') } : {}),
      },
    });
    this.rotationFunction = rotationFunction;
    acknowledgeInHipaaAndNist(rotationFunction, 'LambdaDLQ', NO_DLQ_REASON);
    acknowledgeInHipaaAndNist(rotationFunction, 'LambdaInsideVPC', NO_VPC_REASON);
    acknowledgeInHipaaAndNist(rotationFunction, 'LambdaConcurrency', ROTATION_CONCURRENCY_REASON);
    // Reading the Okta credential, and nothing else of that secret (the data key, only through Secrets Manager).
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.oktaCredential.secretArn] }),
    );
    role.addToPrincipalPolicy(decryptThroughSecretsManager(props.encryptionKey));
    // Several regions: whether each replica holds the pending version yet (its labels only: no value, no key).
    const { replication } = props;
    if (replication) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['secretsmanager:DescribeSecret'],
          resources: replication.regions.map((region) => replicaArn(this, replication.secretName, region)),
        }),
      );
      // Secrets Manager carries each new version to the replicas, encrypting it there under each region's data key
      // on this role's behalf (docs/regions.md): without these the rotation never gets past setSecret.
      for (const region of replication.regions) {
        role.addToPrincipalPolicy(encryptReplicaThroughSecretsManager(this, region, replication.keyAlias));
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:${Stack.of(this).partition}:kms:${region}:<AWS::AccountId>:key/*]`,
          reason: REPLICA_KEY_REASON,
        });
      }
    }

    // Adds exactly what rotation needs to the function's role: DescribeSecret, GetSecretValue,
    // PutSecretValue and UpdateSecretVersionStage on this secret, and GetRandomPassword.
    this.secret.addRotationSchedule('Rotation', {
      rotationLambda: rotationFunction,
      automaticallyAfter: Duration.days(props.rotationDays),
      // A change to the schedule must not rotate behind the operator's back.
      rotateImmediatelyOnUpdate: false,
    });
    // finishSecret records when AWSCURRENT moved in the one tag the hook reads, and may write no other.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['secretsmanager:TagResource'],
        resources: [this.secret.secretArn],
        conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [CURRENT_SINCE_TAG] } },
      }),
    );
    // Only Secrets Manager acting for this account may invoke the function (no confused deputy).
    for (const child of rotationFunction.node.children) {
      if (child instanceof CfnPermission && child.principal === 'secretsmanager.amazonaws.com') {
        child.sourceAccount = Aws.ACCOUNT_ID;
      }
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'secretsmanager:GetRandomPassword is not tied to any resource, so IAM only accepts "*" for it; ' +
        'every other rotation permission is scoped to the one secret.',
    });
  }
}
