import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * Replication lag that raises ReplicationLatency, in ms. DynamoDB replicates a write to the other
 * regions typically within a second; a lag of a minute is a patient loaded here that another region's
 * sign-ins do not see yet, and what a failover now would lose (docs/regions.md).
 */
export const REPLICATION_LATENCY_THRESHOLD_MS = 60_000;

export interface ReplicationAlarmsProps {
  table: ITable;
  /** The regions the table replicates to from this one. */
  replicaRegions: string[];
  topic: ITopic;
}

/**
 * One alarm a replica region on the global table's ReplicationLatency, which DynamoDB publishes in the
 * region a write was made, per receiving region. Roster writes go to the primary region
 * (docs/regions.md), so its stack holds these. No write, no data point: quiet is healthy.
 */
export class ReplicationAlarms extends Construct {
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, { table, replicaRegions, topic }: ReplicationAlarmsProps) {
    super(scope, id);
    const action = new SnsAction(topic);
    this.alarms = replicaRegions.map((region) => {
      const alarm = new Alarm(this, `ReplicationLatency-${region}`, {
        alarmDescription:
          `Patients written here reach ${region} more than ${REPLICATION_LATENCY_THRESHOLD_MS / 1000} s late: ` +
          'sign-ins there may miss new patients, and a failover now would lose the writes in flight.',
        metric: new Metric({
          namespace: 'AWS/DynamoDB',
          metricName: 'ReplicationLatency',
          dimensionsMap: { TableName: table.tableName, ReceivingRegion: region },
          statistic: 'Maximum',
          period: Duration.minutes(5),
        }),
        threshold: REPLICATION_LATENCY_THRESHOLD_MS,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return alarm;
    });
  }
}
