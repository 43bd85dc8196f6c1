import { Aws, Duration, Stack } from 'aws-cdk-lib';
import { type Alarm, AlarmStatusWidget, Dashboard, GraphWidget, MathExpression, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { COLD_START_METRIC } from '../lambda/observability.ts';
import { API_THROTTLED_METRIC } from './hook-api.ts';
import { type ApiMetrics, hookOutcomeMetric } from './hook-alarms.ts';

export interface HookDashboardProps {
  hookFunction: IFunction;
  /** The stage's namespace, where the function counts its outcomes (lambda/observability.ts). */
  metricsNamespace: string;
  /** The HTTP API front door; behind a function URL, the function's own figures only. */
  api?: ApiMetrics;
  alarms: Alarm[];
}

const PERIOD = Duration.minutes(5);

/** The hook's failures that are not Lambda's own: each means tokens without the claim, or no sign-in. */
const FAILURE_REASONS = ['StoreFailure', 'CredentialSourceUnavailable', 'InvalidPatientRecord', 'UnexpectedError'] as const;

/**
 * One CloudWatch dashboard a stage: what the hook answers, by reason, how fast, and what failed or was
 * throttled on the way. The reasons are read from the function's own metrics with a search, so a
 * reason added to the code shows here without a change to this file (lambda/hook.ts is their one home).
 */
export class HookDashboard extends Construct {
  readonly dashboard: Dashboard;
  /** Where an operator opens it. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: HookDashboardProps) {
    super(scope, id);
    const fn = props.hookFunction;
    const stage = props.api?.stage;
    // Dashboard names are per account, not per region: the region keeps two deployments of a stage apart.
    const dashboardName = `${Stack.of(this).stackName}-${Aws.REGION}`;
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName, defaultInterval: Duration.hours(24) });
    this.url = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboardName}`;

    const sum = { period: PERIOD, statistic: Stats.SUM };
    const answersByReason = new MathExpression({
      expression:
        // The namespace's metrics without dimensions: the outcomes, less the cold starts and the API's 429s.
        `SEARCH('{"${props.metricsNamespace}"} NOT MetricName="${COLD_START_METRIC}" ` +
        `NOT MetricName="${API_THROTTLED_METRIC}"', 'Sum', ${PERIOD.toSeconds()})`,
      usingMetrics: {},
      label: '',
      period: PERIOD,
    });

    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 4 }));
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Answers per reason (ClaimAdded, NotAPatient, Unauthorized, StoreFailure, ...)',
        left: [answersByReason],
        stacked: true,
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency (Okta gives up at 3 s)',
        left: [
          ...(stage
            ? [
                stage.metricLatency({ period: PERIOD, statistic: 'p50', label: 'API p50' }),
                stage.metricLatency({ period: PERIOD, statistic: 'p99', label: 'API p99' }),
              ]
            : []),
          fn.metricDuration({ period: PERIOD, statistic: 'p99', label: 'function p99' }),
        ],
        leftYAxis: { min: 0, label: 'ms', showUnits: false },
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Requests and cold starts',
        left: [stage ? stage.metricCount({ ...sum, label: 'API requests' }) : fn.metricInvocations({ ...sum, label: 'invocations' })],
        right: [hookOutcomeMetric(props.metricsNamespace, COLD_START_METRIC).with({ label: 'cold starts' })],
        width: 8,
      }),
      new GraphWidget({
        title: 'Store and secret failures',
        left: FAILURE_REASONS.map((reason) => hookOutcomeMetric(props.metricsNamespace, reason).with({ label: reason })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Throttles and errors',
        left: [
          ...(props.api && stage
            ? [
                props.api.throttled(PERIOD).with({ label: 'API 429' }),
                stage.metricClientError({ ...sum, label: 'API 4xx (429 included)' }),
                stage.metricServerError({ ...sum, label: 'API 5xx' }),
              ]
            : []),
          fn.metricThrottles({ ...sum, label: 'Lambda throttles' }),
          fn.metricErrors({ ...sum, label: 'Lambda errors' }),
        ],
        width: 8,
      }),
    );
  }
}
