import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface HookAlarmsProps {
  hookFunction: IFunction;
  /** Basic mode: the credential's rotation function. OAuth mode has none. */
  rotationFunction?: IFunction;
  /** Subscribed to an SNS topic that every alarm notifies; no topic when absent. */
  alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms on what makes Okta mint tokens without the claim: the function failing, being throttled or
 * getting slow; and, in Basic mode, on a failed credential rotation, which leaves a pending version behind.
 */
export class HookAlarms extends Construct {
  readonly alarms: Alarm[];
  readonly topic?: Topic;

  constructor(scope: Construct, id: string, props: HookAlarmsProps) {
    super(scope, id);
    const fn = props.hookFunction;
    this.alarms = [
      new Alarm(this, 'Errors', {
        alarmDescription: 'The token hook failed (an uncaught error or a timeout): Okta minted tokens without the claim.',
        metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'Throttles', {
        alarmDescription: 'Lambda throttled the token hook: Okta minted tokens without the claim.',
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'SlowP99', {
        alarmDescription: "The token hook's p99 duration is above 1 s, a third of Okta's 3 s budget.",
        metric: fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }),
        threshold: 1000,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        // Two slow windows out of three: one window of cold starts at night is not an incident.
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
    if (props.rotationFunction) {
      this.alarms.push(
        new Alarm(this, 'RotationErrors', {
          alarmDescription: 'Rotating the Okta hook credential failed; see the rotation function logs.',
          metric: props.rotationFunction.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    if (props.alarmEmail) {
      // Notifications hold alarm names, metric values and the rotation notice only, never patient data or
      // credentials; the topic refuses publishers that do not use TLS.
      this.topic = new Topic(this, 'Topic', { displayName: 'Okta token hook alarms', enforceSSL: true });
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
      const action: IAlarmAction = new SnsAction(this.topic);
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }
}
