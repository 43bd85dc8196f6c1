import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Construct, type IConstruct } from 'constructs';

/**
 * The stack's own KMS key (a customer managed key, rotated yearly) for what it keeps at rest outside the
 * table: the secrets, the log groups and the alarm topic. With it, reading a secret takes both the
 * secret's permission and this key's, CloudTrail records every use, and disabling the key cuts every
 * copy off at once. Kept when the stack goes: the retained log groups and the user-hash key need it.
 */
export class DataKey extends Construct {
  readonly key: Key;

  /** `alias`: several regions (infra/regions.ts, dataKeyAlias), where the primary stack names this region's key by it. */
  constructor(scope: Construct, id: string, { stageName, alias }: { stageName: string; alias?: string }) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `Okta token hook (stage ${stageName}): secrets, logs and alarm topic at rest`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    if (alias) this.key.addAlias(alias);
    // CloudWatch Logs encrypts a log group with the key only for log groups of this account and region.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'LogGroupsOfThisAccount',
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
        },
      }),
    );
    // CloudWatch alarms publish to the encrypted topic: they need the key for each message, for this account
    // only (no confused deputy).
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    // The EventBridge rotation rule publishes too. SNS's guide for encrypted topics says EventBridge does not
    // support aws:SourceAccount or aws:SourceArn in the key policy; the topic's own policy admits this rule only.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'RotationNoticeFromEventBridge',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
  }
}

/** What a function needs to read a secret under the data key: Decrypt, and only when Secrets Manager asks. */
export function decryptThroughSecretsManager(key: IKey): PolicyStatement {
  return new PolicyStatement({
    actions: ['kms:Decrypt'],
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } },
  });
}

/**
 * What a role that writes a replicated secret's value needs so Secrets Manager can carry each new version to
 * the replica in `region`, which is under that region's data key: Secrets Manager encrypts it there on the
 * writer's behalf (docs/regions.md). IAM names a key for Encrypt only by its key ARN, which the primary's
 * stack cannot know, so the statement takes any key of that region and account and lets through only the one
 * with `keyAlias`, and only when that region's Secrets Manager asks.
 */
export function encryptReplicaThroughSecretsManager(scope: IConstruct, region: string, keyAlias: string): PolicyStatement {
  return new PolicyStatement({
    actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
    resources: [Stack.of(scope).formatArn({ service: 'kms', region, resource: 'key', resourceName: '*' })],
    conditions: {
      StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` },
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': keyAlias },
    },
  });
}
