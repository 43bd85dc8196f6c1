import { Aws, Duration } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface HookAlarmsProps {
  hookFunction: IFunction;
  /** Where the function's outcome counts land: the stage's namespace (lambda/observability.ts). */
  metricsNamespace: string;
  /** The HTTP API Okta calls, if it calls one (not behind a function URL), with its alarms. */
  api?: ApiMetrics;
  /** Basic mode: the credential's rotation function. OAuth mode has none. */
  rotationFunction?: IFunction;
  /** Subscribed to the alarm topic. */
  alarmEmail?: string;
  /** An existing topic to notify instead of one made here. */
  alarmTopicArn?: string;
  /** Hours without a request that raise NoTraffic; 0: no such alarm. */
  noTrafficAlarmHours: number;
  /** Several regions: Route 53 may have sent Okta's calls to another region, which NoTraffic then says. */
  otherRegionsServe?: boolean;
  /** The stack's data key (infra/data-key.ts), which encrypts the stack's own topic. */
  encryptionKey: IKey;
}

/** What the alarms and the dashboard read of the HTTP API front door. */
export interface ApiMetrics {
  /** The stage Okta calls; its 5xx are failures the function never answers itself. */
  stage: IHttpStage;
  /** The API's 429s, counted from its access log (HookApi.metricThrottled). */
  throttled: (period: Duration) => Metric;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * The outcomes of a call that passed the credential check (lambda/hook.ts): what Okta's own calls produce,
 * and what a scanner without the credential never does. NoTraffic counts these.
 */
export const OKTA_CALL_OUTCOMES = [
  'ClaimAdded',
  'NotAPatient',
  'NoTokenToPatch',
  'NoUserKey',
  'InvalidUserKey',
  'InvalidPatientRecord',
  'StoreFailure',
  'EventTimeOutOfRange',
  'BadRequest',
] as const;

/**
 * The hook's own count of an outcome, as the function writes it: its one Embedded Metric Format line a
 * request counts a metric named by the reason (and `ColdStart` on an instance's first) in the stage's
 * namespace, with no dimension (lambda/observability.ts).
 */
export function hookOutcomeMetric(namespace: string, metricName: string, period: Duration = FIVE_MINUTES): Metric {
  return new Metric({
    namespace,
    metricName,
    statistic: 'Sum',
    period,
  });
}

/**
 * API p99 latency that raises ApiSlowP99, in ms: Okta gives up at 3 s. The function answers within 1 s of
 * receiving a request; a cold start's init comes on top (its credential read alone may take 700 ms), so
 * 1.5 s is where answers are slower than the hook is built for, with half of Okta's wait still to spare.
 */
export const API_LATENCY_P99_THRESHOLD_MS = 1500;

/** 4xx share of the API's answers, in percent, that raises ApiClientErrorRate, once 20 requests came in. */
export const API_CLIENT_ERROR_RATE_THRESHOLD = 10;

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
      'without the claim; see docs/operations.md, "Alarms".',
  },
] as const;

/**
 * Alarms on what makes Okta mint tokens without the claim: the function failing, being throttled or
 * getting slow; the function's own failure outcomes, which it answers without throwing (store failures,
 * an unreadable credential source, invalid records, unexpected errors, a run of 401s); API Gateway
 * answering 5xx, 429 or a high share of 4xx, or slowly (cold starts included); no traffic at all (a hook
 * detached in Okta); and, in Basic mode, a failed step of the credential rotation (the old credential stays
 * current and Secrets Manager tries again). Each treats missing data on purpose, said where it is set. All
 * notify one topic, always.
 */
export class HookAlarms extends Construct {
  readonly alarms: Alarm[];
  /** Every alarm and the rotation result notify it, whatever the settings. */
  readonly topic: ITopic;

  constructor(scope: Construct, id: string, props: HookAlarmsProps) {
    super(scope, id);
    const fn = props.hookFunction;
    const countAlarm = (alarmId: string, description: string, metric: IMetric, threshold = 1) =>
      countAlarmIn(this, alarmId, description, metric, threshold);
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
        countAlarm(alarmId, description, hookOutcomeMetric(props.metricsNamespace, metricName), threshold),
      ),
      ...(props.api ? this.apiAlarms(props.api) : []),
    ];
    if (props.noTrafficAlarmHours > 0) {
      const hours = props.noTrafficAlarmHours;
      this.alarms.push(
        new Alarm(this, 'NoTraffic', {
          alarmDescription:
            `The hook answered no call from Okta in ${hours} hours. If patients signed in meanwhile, Okta no longer calls ` +
            'the hook (detached from the authorization server, inactive, the URL or the credential changed) and every ' +
            'token lacks the claim. Turn off with noTrafficAlarmHours=0 on a stage nobody uses.' +
            (props.otherRegionsServe
              ? " Or Route 53 sends Okta's calls to another region: this one's health check fails or is inverted (docs/regions.md)."
              : ''),
          // Only calls that passed the credential check count: the URL is public, and scanners' 401s and 404s
          // would otherwise keep a detached hook looking alive.
          metric: new MathExpression({
            expression: OKTA_CALL_OUTCOMES.map((_, index) => `FILL(m${index}, 0)`).join(' + '),
            usingMetrics: Object.fromEntries(
              OKTA_CALL_OUTCOMES.map((name, index) => [
                `m${index}`,
                hookOutcomeMetric(props.metricsNamespace, name, Duration.hours(hours)),
              ]),
            ),
            period: Duration.hours(hours),
            label: 'Calls from Okta',
          }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 1,
          // No outcome at all in the window leaves the expression without a data point: that is the symptom.
          treatMissingData: TreatMissingData.BREACHING,
        }),
      );
    }
    if (props.rotationFunction) {
      this.alarms.push(
        new Alarm(this, 'RotationErrors', {
          alarmDescription:
            'Rotating the Okta hook credential failed; see the rotation function logs. The old credential stays ' +
            'current; Secrets Manager tries the rotation again. Stays in alarm for a day after the last failure.',
          metric: props.rotationFunction.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          // Any failed step in the last 24 hours: the OK notice should not follow five minutes later while the
          // rotation is still unfinished.
          evaluationPeriods: 24,
          datapointsToAlarm: 1,
          // The function runs once a rotation: no invocation, nothing failed.
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    // Notifications hold alarm names, metric values and the rotation notice only, never patient data or
    // credentials; the topic refuses publishers that do not use TLS. An imported topic keeps its own policy.
    this.topic = props.alarmTopicArn
      ? Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn)
      : new Topic(this, 'Topic', { displayName: 'Okta token hook alarms', enforceSSL: true, masterKey: props.encryptionKey });
    if (!props.alarmTopicArn) {
      // enforceSSL gives the topic a policy of its own, which replaces SNS's default one: CloudWatch alarms of
      // this account must be let in explicitly, or every alarm fails to notify.
      this.topic.addToResourcePolicy(
        new PolicyStatement({
          sid: 'AlarmsOfThisAccount',
          principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          conditions: {
            StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
            ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
          },
        }),
      );
    }
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    // Alarm and recovery both: whoever was paged learns when it is over.
    const action: IAlarmAction = new SnsAction(this.topic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  /** The HTTP API's own: 5xx, 429, a high share of 4xx, slow answers (cold starts included). */
  private apiAlarms(api: ApiMetrics): Alarm[] {
    const sum = { period: FIVE_MINUTES, statistic: 'Sum' };
    const countAlarm = (alarmId: string, description: string, metric: IMetric) => countAlarmIn(this, alarmId, description, metric);
    return [
      countAlarm(
        'ApiServerErrors',
        'API Gateway answered 5xx: on the hook route the function failed, timed out or could not be invoked, and ' +
          'Okta minted those tokens without the claim; or, with several regions, GET /health answered 503: this ' +
          'region cannot serve, and Route 53 sends its sign-ins elsewhere (docs/regions.md).',
        api.stage.metricServerError(sum),
      ),
      // No 429, no log line matches, no data point: quiet is healthy.
      countAlarm(
        'ApiThrottled',
        'API Gateway answered 429 (stage or account throttling): Okta does not retry and minted those tokens without ' +
          'the claim. Okta sends more than throttleRateLimit allows, or a caller that is not Okta floods the URL.',
        api.throttled(FIVE_MINUTES),
      ),
      new Alarm(this, 'ApiClientErrorRate', {
        alarmDescription:
          `${API_CLIENT_ERROR_RATE_THRESHOLD}% or more of the API's answers were 4xx in two of three 5-minute windows ` +
          '(401, 400, 404, 413 or 429): Okta does not retry a 4xx and mints without the claim. Look for a changed ' +
          'hook URL or credential in Okta, or a request shape the hook refuses; see the dashboard by reason.',
        metric: new MathExpression({
          // Below 20 requests a window, a few scanner probes would be a large share: no alarm on those.
          expression: 'IF(requests >= 20, 100 * clientErrors / requests, 0)',
          usingMetrics: { clientErrors: api.stage.metricClientError(sum), requests: api.stage.metricCount(sum) },
          period: FIVE_MINUTES,
          label: '4xx share of answers (%)',
        }),
        threshold: API_CLIENT_ERROR_RATE_THRESHOLD,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        // No requests, no share: silence is NoTraffic's to report, not this alarm's.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'ApiSlowP99', {
        alarmDescription:
          `The API's p99 latency is above ${API_LATENCY_P99_THRESHOLD_MS / 1000} s in two of three 5-minute windows ` +
          "(Okta gives up at 3 s and mints without the claim). It includes cold starts, which the function's own " +
          'duration does not.',
        metric: api.stage.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
        threshold: API_LATENCY_P99_THRESHOLD_MS,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        // No requests, no latency: nothing was slow.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
  }
}

/** Most alarms: `threshold` or more in one five-minute window; no request, no data point: quiet is healthy. */
function countAlarmIn(scope: Construct, alarmId: string, description: string, metric: IMetric, threshold = 1): Alarm {
  return new Alarm(scope, alarmId, {
    alarmDescription: description,
    metric,
    threshold,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
