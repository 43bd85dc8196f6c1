import { Aws, Duration, Validations } from 'aws-cdk-lib';
import {
  ApplicationLogLevel,
  Architecture,
  CfnPermission,
  Function,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CURRENT_SINCE_TAG } from '../lambda/aws/secrets-manager-credentials.ts';
import { PASSWORD_LENGTH } from '../lambda/rotation/password-policy.ts';
import { bundleCode } from './bundle-code.ts';
import { createFunctionRole } from './function-role.ts';

export const HOOK_USERNAME = 'okta-hook';

export interface HookCredentialProps {
  rotationBundleDir: string;
  rotationDays: number;
  logRetention: RetentionDays;
}

/**
 * The Basic credential Okta sends, `{"username": "okta-hook", "password": <generated>}`. AWS generates
 * the password, so it is never in the template, and a small single-user rotation function replaces it
 * on a schedule. The hook accepts the previous version for a grace period after each rotation.
 */
export class HookCredential extends Construct {
  readonly secret: Secret;
  readonly rotationFunction: Function;

  constructor(scope: Construct, id: string, props: HookCredentialProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'Basic credential Okta presents to the token inline hook (Authorization header)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: HOOK_USERNAME }),
        generateStringKey: 'password',
        passwordLength: PASSWORD_LENGTH,
        excludePunctuation: true,
        includeSpace: false,
        requireEachIncludedType: true,
      },
    });

    const logGroup = new LogGroup(this, 'RotationLogs', { retention: props.logRetention });
    const role = createFunctionRole(this, 'RotationRole', logGroup, 'Rotates the Okta hook Basic credential');
    this.rotationFunction = new Function(this, 'RotationFunction', {
      description: 'Single-user rotation of the Okta hook Basic credential',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      handler: 'index.handler',
      code: bundleCode(props.rotationBundleDir),
      // Runs once a month and makes six Secrets Manager calls: no latency budget to meet.
      memorySize: 256,
      timeout: Duration.seconds(30),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.INFO,
    });

    // Adds exactly what rotation needs to the function's role: DescribeSecret, GetSecretValue,
    // PutSecretValue and UpdateSecretVersionStage on this secret, and GetRandomPassword.
    this.secret.addRotationSchedule('Rotation', {
      rotationLambda: this.rotationFunction,
      automaticallyAfter: Duration.days(props.rotationDays),
      // A change to the schedule must not rotate behind the operator's back: Okta holds a copy.
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
    for (const child of this.rotationFunction.node.children) {
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
