import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_KEY_ATTRIBUTE, type UserKeyKind } from '../lambda/core/patient-record.ts';

export interface PatientsTableProps {
  /** What the table is keyed by: the canonical login (`username`) or Okta's user id (`oktaUserId`). */
  userKey: UserKeyKind;
}

/**
 * Patients: user key → `patientId`. Kept whatever happens to the stack: RETAIN and deletion protection
 * mean `cdk destroy` leaves the table, and point-in-time recovery undoes a bad bulk load.
 */
export class PatientsTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, { userKey }: PatientsTableProps) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEY_ATTRIBUTE[userKey], type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
