import { describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { OKTA, tokenHookApp } from './synth.ts';

describe("the stack's data key", () => {
  const template = Template.fromStack(tokenHookApp([{ ...OKTA, stageName: 'key', alarmEmail: 'ops@example.com' }]).stacks[0]!);
  const [keyId] = Object.keys(template.findResources('AWS::KMS::Key'));
  const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };

  it('is one customer managed key, rotated yearly and kept when the stack goes', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, PendingWindowInDays: 30 });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('encrypts every secret, every log group and the alarm topic', () => {
    const kmsKeyOf = (type: string, property: string) =>
      Object.values(template.findResources(type)).map((resource) => resource.Properties[property]);
    // The Basic credential, the Okta credential and the user hash key.
    expect(kmsKeyOf('AWS::SecretsManager::Secret', 'KmsKeyId')).toStrictEqual([keyArn, keyArn, keyArn]);
    // The hook's, the rotation function's and the API's access log.
    expect(kmsKeyOf('AWS::Logs::LogGroup', 'KmsKeyId')).toStrictEqual([keyArn, keyArn, keyArn]);
    expect(kmsKeyOf('AWS::SNS::Topic', 'KmsMasterKeyId')).toStrictEqual([keyArn]);
  });

  it('lets CloudWatch Logs use it for this account’s log groups only, CloudWatch alarms for this account only, and EventBridge', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'LogGroupsOfThisAccount',
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
          Match.objectLike({
            Sid: 'AlarmsOfThisAccount',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
          // EventBridge supports no source condition in a key policy for encrypted topics (SNS guide).
          Match.objectLike({
            Sid: 'RotationNoticeFromEventBridge',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: Match.absent(),
          }),
        ]),
      },
    });
  });
});
