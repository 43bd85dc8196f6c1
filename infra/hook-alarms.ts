import { Duration } from 'aws-cdk-lib';
import type { IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IAlarmAction, type IMetric, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface HookAlarmsProps {
  hookFunction: IFunction;
  /** The API stage Okta calls; its 5xx are failures the function never answers itself. */
  apiStage: IHttpStage;
  /** Basic mode: the credential's rotation function. OAuth mode has none. */
  rotationFunction?: IFunction;
  /** Subscribed to an SNS topic that every alarm notifies; no topic when absent. */
  alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Where the function's own outcome counts land: CloudWatch Embedded Metric Format lines with one metric
 * a request, named by its reason, in this namespace, with the dimensions `Service` and `FunctionName`
 * (lambda/observability/metrics.ts, lambda/wiring.ts). The function name tells stages in one account apart.
 */
export const HOOK_METRICS_NAMESPACE = 'OktaTokenHook';
export const HOOK_METRICS_SERVICE = 'okta-token-hook';

/**
 * 401s in five minutes that raise the Unauthorized alarm. The URL is public, so a stray 401 is noise; a
 * credential Okta still sends after the grace period (or an OAuth client the hook does not accept) makes
 * every sign-in one, which crosses this once five sign-ins fall in one five-minute window. (At fewer
 * sign-ins than that it stays quiet: a trade against paging on every scanner that finds the URL.)
 */
export const UNAUTHORIZED_THRESHOLD = 5;

/**
 * Outcomes that mean tokens are being minted without the claim while the function answers normally,
 * so Lambda's Errors metric stays at zero. Each alarms at `threshold` or more in five minutes.
 */
export const OUTCOME_ALARMS = [
  {
    id: 'StoreFailures',
    metricName: 'StoreFailure',
    threshold: 1,
    description:
      'The token hook could not read the patients table (error or deadline): tokens were minted without the claim ' +
      '(fail-open) or sign-ins failed (fail-closed).',
  },
  {
    id: 'CredentialSourceUnavailable',
    metricName: 'CredentialSourceUnavailable',
    threshold: 1,
    description:
      "The token hook could not load what it checks Okta's call against (the Basic secret, or the issuer's " +
      'keys in OAuth mode) and answered 401: Okta minted tokens without the claim.',
  },
  {
    id: 'InvalidPatientRecords',
    metricName: 'InvalidPatientRecord',
    threshold: 1,
    description:
      'A patients-table item failed the patient id check (not a String, empty, too long or off the pattern): that ' +
      'patient signed in without the claim. Find and fix the item: npm run patients -- list, then put.',
  },
  {
    id: 'UnexpectedErrors',
    metricName: 'UnexpectedError',
    threshold: 1,
    description: 'The token hook hit an unexpected error (a bug) and answered by its failure policy.',
  },
  {
    id: 'Unauthorized',
    metricName: 'Unauthorized',
    threshold: UNAUTHORIZED_THRESHOLD,
    description:
      `The token hook refused ${UNAUTHORIZED_THRESHOLD} or more callers in 5 minutes (401). If Okta is the caller, ` +
      'it still sends a rotated-away credential (or a token the hook does not accept) and every token is minted ' +
      'without the claim; see README.md, "Rotating the credential".',
  },
] as const;

/**
 * Alarms on what makes Okta mint tokens without the claim: the function failing, being throttled or
 * getting slow; the function's own failure outcomes, which it answers without throwing (store failures,
 * an unreadable credential source, unexpected errors, a run of 401s); API Gateway answering 5xx; and,
 * in Basic mode, a failed credential rotation, which leaves a pending version behind.
 */
export class HookAlarms extends Construct {
  readonly alarms: Alarm[];
  readonly topic?: Topic;

  constructor(scope: Construct, id: string, props: HookAlarmsProps) {
    super(scope, id);
    const fn = props.hookFunction;
    // Most alarms: `threshold` or more in one five-minute window; no request, no data point: quiet is healthy.
    const countAlarm = (alarmId: string, description: string, metric: IMetric, threshold = 1) =>
      new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    const sum = { period: FIVE_MINUTES, statistic: 'Sum' };
    this.alarms = [
      countAlarm(
        'Errors',
        'The token hook failed (an uncaught error or a timeout): Okta minted tokens without the claim.',
        fn.metricErrors(sum),
      ),
      countAlarm('Throttles', 'Lambda throttled the token hook: Okta minted tokens without the claim.', fn.metricThrottles(sum)),
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
      ...OUTCOME_ALARMS.map(({ id: alarmId, metricName, threshold, description }) =>
        countAlarm(
          alarmId,
          description,
          new Metric({
            namespace: HOOK_METRICS_NAMESPACE,
            metricName,
            dimensionsMap: { Service: HOOK_METRICS_SERVICE, FunctionName: fn.functionName },
            ...sum,
          }),
          threshold,
        ),
      ),
      countAlarm(
        'ApiServerErrors',
        'API Gateway answered 5xx on the hook route (the function failed, timed out or could not be invoked): ' +
          'Okta minted tokens without the claim.',
        props.apiStage.metricServerError(sum),
      ),
    ];
    if (props.rotationFunction) {
      this.alarms.push(
        countAlarm(
          'RotationErrors',
          'Rotating the Okta hook credential failed; see the rotation function logs.',
          props.rotationFunction.metricErrors(sum),
        ),
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
