import { Aws, type Duration, Fn, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, LogGroupLogDestination, type HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterPattern, LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { HEALTH_PATH } from '../lambda/config.ts';
import { Construct } from 'constructs';
import type { AuthMode } from './settings.ts';

export interface HookApiProps {
  stageName: string;
  /** The stage's namespace (lambda/observability.ts), where the 429 count goes beside the function's outcomes. */
  metricsNamespace: string;
  /** How the function authenticates Okta; the route has no authorizer either way, for the reason given. */
  authMode: AuthMode;
  hookFunction: IFunction;
  hookPath: string;
  throttleRateLimit: number;
  throttleBurstLimit: number;
  logRetention: RetentionDays;
  /** The stack's data key (infra/data-key.ts), which encrypts the access log group. */
  encryptionKey: IKey;
  /** Several regions: also `GET /health` to the same function, for Route 53's health checks. */
  healthRoute?: boolean;
}

/** Why `GET /health` has no authorizer (cdk-nag AwsSolutions-APIG4). */
export const HEALTH_NO_AUTHORIZER_REASON =
  "Route 53's health checkers call GET /health from AWS's own addresses with no credential of any kind, and a " +
  'route that answered them 401 would mark every region unhealthy. The answer tells only whether the region ' +
  'can serve: no patient, no header and no secret is read from the request or written to the answer, and the ' +
  "stage's throttling bounds what a stranger calling it can cost.";

/**
 * One access-log line a request, with only what an operator reads there and nothing the function's own
 * line already says: the answer's status (the 429 count below, `stats ... by status`), the caller's
 * address (who floods the URL), the latency Okta saw (cold starts included, which no other line shows),
 * and API Gateway's request id, which the function's line for the same request carries as `apiRequestId`.
 * Why a function failed is in its own line (`reason`) or, if it did not answer at all, in Lambda's Errors
 * and Throttles metrics; both are alarmed. Built only from `$context` variables that hold neither the body
 * nor any header, so no credential and no patient data can reach these logs. Every byte is billed on every
 * request (bench/README.md, cost), so the names are short.
 */
export const ACCESS_LOG_FIELDS = {
  // API Gateway refuses an access log format without it.
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
} as const;

/**
 * Why the route has no API Gateway authorizer (cdk-nag AwsSolutions-APIG4): the function authenticates
 * the caller itself, first thing, in either mode.
 */
export const NO_AUTHORIZER_REASON: Record<AuthMode, string> = {
  basic:
    'Okta sends a static HTTP Basic credential, which the function verifies in constant time against ' +
    'Secrets Manager before any lookup. IAM and JWT authorizers do not apply (Okta signs no SigV4 and sends ' +
    'no JWT with header auth); a Lambda authorizer would repeat the same check and add a second cold start ' +
    "to Okta's 3 s budget.",
  oauth:
    'Okta sends an OAuth 2.0 access token from a dedicated Okta authorization server, which the function ' +
    "verifies itself before any lookup: RS256 signature against the issuer's published keys, iss, aud, the " +
    'required scope in scp, the client in cid when set, exp and nbf. An HTTP API JWT authorizer cannot check ' +
    'cid (it reads client_id) and would answer its own 401, which the function logs and metrics never see; one ' +
    'check in the function keeps one 401 behaviour and the same code in the local server and the tests. A ' +
    "Lambda authorizer would add a second cold start to Okta's 3 s budget.",
};

/**
 * The count of 429s, from the access log: HTTP APIs publish 4xx, 5xx, Count and latencies, but nothing
 * that tells API Gateway's own throttling apart from the function's 4xx answers.
 */
export const API_THROTTLED_METRIC = 'ApiThrottled';

/** An HTTP API with a single route, `POST <hookPath>`, on the `$default` stage (no stage prefix). */
export class HookApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** What to paste into Okta as the hook's URL. */
  readonly hookUrl: string;
  private readonly metricsNamespace: string;

  constructor(scope: Construct, id: string, props: HookApiProps) {
    super(scope, id);
    this.metricsNamespace = props.metricsNamespace;
    this.api = new HttpApi(this, 'Api', {
      // API names need not be unique; the stage in it tells deployments apart in the console.
      apiName: `okta-token-hook-${props.stageName}`,
      description: 'Okta token inline hook',
      // The stage is made below, with throttling and access logs.
      createDefaultStage: false,
    });
    // Under /aws/vendedlogs/, API Gateway delivers without adding to the account's CloudWatch Logs resource
    // policy, which has a size limit busy accounts reach. A physical name, so it carries the stage and, as
    // the group is kept when the stack goes, the stack's id: a stage deployed again gets a group of its own.
    const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/vendedlogs/apigateway/okta-token-hook-${props.stageName}-${stackUuid}`,
      retention: props.logRetention,
      encryptionKey: props.encryptionKey,
    });
    this.accessLogs = accessLogs;
    accessLogs.addMetricFilter('Throttled', {
      filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: props.metricsNamespace,
      metricName: API_THROTTLED_METRIC,
      metricValue: '1',
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    const integration = new HttpLambdaIntegration('Hook', props.hookFunction);
    const [route] = this.api.addRoutes({ path: props.hookPath, methods: [HttpMethod.POST], integration });
    if (route) {
      Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: NO_AUTHORIZER_REASON[props.authMode] });
    }
    if (props.healthRoute) {
      for (const health of this.api.addRoutes({ path: HEALTH_PATH, methods: [HttpMethod.GET], integration })) {
        Validations.of(health).acknowledge({ id: 'AwsSolutions-APIG4', reason: HEALTH_NO_AUTHORIZER_REASON });
      }
    }
    this.hookUrl = `${this.stage.url}${props.hookPath.replace(/^\//, '')}`;
  }

  /** Requests API Gateway refused with 429 (stage or account throttling); no 429, no data point. */
  metricThrottled(period: Duration): Metric {
    return new Metric({
      namespace: this.metricsNamespace,
      metricName: API_THROTTLED_METRIC,
      statistic: 'Sum',
      period,
    });
  }
}
