import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { settingsFromContext } from '../../infra/settings.ts';
import { tokenHookApp } from './synth.ts';

const COPY_VAULT = 'arn:aws:backup:us-west-2:123456789012:backup-vault:okta-token-hook-copy';

describe('patients table backup', () => {
  it('backs the table up daily into a vault kept when the stack goes, for 35 days by default', () => {
    const template = Template.fromStack(tokenHookApp([{ stageName: 'backup' }]).stacks[0]!);
    template.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'Daily',
            ScheduleExpression: 'cron(0 5 * * ? *)',
            Lifecycle: { DeleteAfterDays: 35 },
            CopyActions: Match.absent(),
          }),
        ],
      },
    });
    const [tableId] = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: [{ 'Fn::GetAtt': [tableId, 'Arn'] }] }),
    });
  });

  it('keeps recovery points as long as set and copies them to a vault in another region', () => {
    const template = Template.fromStack(
      tokenHookApp([{ stageName: 'backup', backupRetentionDays: 90, backupCopyVaultArn: COPY_VAULT }]).stacks[0]!,
    );
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            Lifecycle: { DeleteAfterDays: 90 },
            CopyActions: [{ DestinationBackupVaultArn: COPY_VAULT, Lifecycle: { DeleteAfterDays: 90 } }],
          }),
        ],
      },
    });
  });

  it('backs up both tables while keyMigration holds them', () => {
    const template = Template.fromStack(tokenHookApp([{ stageName: 'backup', keyMigration: true }]).stacks[0]!);
    const tables = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(2);
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: Match.arrayWith(tables.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))) }),
    });
  });

  it('refuses a copy vault that is not a backup vault ARN, and a retention out of range', () => {
    const fromContext = (context: Record<string, unknown>) => () => settingsFromContext(new App({ context }).node);
    expect(fromContext({ backupCopyVaultArn: 'okta-token-hook-copy' })).toThrow(
      'context "backupCopyVaultArn" must be a backup vault ARN, arn:aws:backup:<region>:<account>:backup-vault:<name>',
    );
    expect(fromContext({ backupRetentionDays: '0' })).toThrow('context "backupRetentionDays" must be a whole number from 1 to 36500');
    expect(fromContext({ backupCopyVaultArn: COPY_VAULT, backupRetentionDays: '7' })()).toMatchObject({
      backupCopyVaultArn: COPY_VAULT,
      backupRetentionDays: 7,
    });
  });
});
