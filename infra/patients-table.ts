import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, BillingMode, Table, TableEncryption, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
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

export interface GlobalPatientsTableProps extends PatientsTableProps {
  /** The same in every region: each region's stack finds its replica by it. */
  tableName: string;
  /** The regions of the replicas besides this stack's own. */
  replicaRegions: string[];
}

/**
 * The patients table of several regions: a DynamoDB global table, which DynamoDB replicates to each
 * region itself, held by the primary region's stack with every replica. Everything PatientsTable keeps
 * holds for each replica: the same key, on-demand billing, AWS managed encryption (each replica under
 * its own region's key), point-in-time recovery, deletion protection and RETAIN.
 */
export class GlobalPatientsTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, { userKey, tableName, replicaRegions }: GlobalPatientsTableProps) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      tableName,
      partitionKey: { name: TABLE_KEY_ATTRIBUTE[userKey], type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      replicas: replicaRegions.map((region) => ({ region })),
    });
  }
}
