import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** The key the hook looks patients up by: the Okta login, lower-cased. */
export const PATIENT_KEY = 'username';

/**
 * Patients: `username` → `patientId`. Kept whatever happens to the stack: RETAIN and deletion protection
 * mean `cdk destroy` leaves the table, and point-in-time recovery undoes a bad bulk load.
 */
export class PatientsTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: PATIENT_KEY, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
