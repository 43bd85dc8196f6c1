import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface PatientsBackupProps {
  /** The patients tables of the stack (two while keyMigration holds both). */
  tables: ITable[];
  /** Days each daily recovery point is kept. */
  retentionDays: number;
  /** An existing backup vault in another region that every recovery point is copied to; none when absent. */
  copyVaultArn?: string;
}

/** Why the backup selection's role carries AWS's managed policy (cdk-nag AwsSolutions-IAM4). */
export const BACKUP_ROLE_REASON =
  "AWSBackupServiceRolePolicyForBackup is AWS Backup's own service-role policy, the documented way to let " +
  'AWS Backup snapshot the selected DynamoDB tables; the role is assumable only by backup.amazonaws.com, ' +
  'and AWS maintains the policy as the service changes.';

/**
 * A daily AWS Backup of the patients tables into a vault of their own, beside point-in-time recovery
 * (which reaches back 35 days at most and goes when the table goes): the recovery points outlive the
 * table, the stack and, with `copyVaultArn`, the region. The vault is kept when the stack is destroyed.
 */
export class PatientsBackup extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;

  constructor(scope: Construct, id: string, props: PatientsBackupProps) {
    super(scope, id);
    this.vault = new BackupVault(this, 'Vault', { removalPolicy: RemovalPolicy.RETAIN });
    this.plan = new BackupPlan(this, 'Plan', { backupVault: this.vault });
    const deleteAfter = Duration.days(props.retentionDays);
    this.plan.addRule(
      new BackupPlanRule({
        ruleName: 'Daily',
        // 05:00 UTC: night in the Americas, before the working day in Europe.
        scheduleExpression: Schedule.cron({ hour: '5', minute: '0' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(8),
        deleteAfter,
        ...(props.copyVaultArn
          ? {
              copyActions: [{ destinationBackupVault: BackupVault.fromBackupVaultArn(this, 'CopyVault', props.copyVaultArn), deleteAfter }],
            }
          : {}),
      }),
    );
    const selection = this.plan.addSelection('Tables', {
      resources: props.tables.map((table) => BackupResource.fromDynamoDbTable(table)),
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason: BACKUP_ROLE_REASON,
    });
  }
}
