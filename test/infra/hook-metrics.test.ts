import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OUTCOME_ALARMS } from '../../infra/hook-alarms.ts';
import { createJsonLogger, COLD_START_METRIC, stageMetricsNamespace } from '../../lambda/observability.ts';
import { wireHookFromEnvironment } from '../../lambda/wiring.ts';
import { emfProblems } from '../support/emf.ts';

// The alarms watch metrics the function writes itself, in its one Embedded Metric Format line a request:
// if the namespace, a dimension or a metric name drifts on either side, the alarms watch nothing and never
// fire. So the function is wired as in Lambda and its own line is compared with what the alarms expect.

const FUNCTION_NAME = 'OktaTokenHook-test-HookFunctionC89345B9-AbCdEf123456';

const event = (authorization: string): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: 'POST /tokenHook',
  rawPath: '/tokenHook',
  rawQueryString: '',
  headers: { authorization, 'content-type': 'application/json' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'abc123',
    http: { method: 'POST', path: '/tokenHook', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'Okta' },
    requestId: 'req-metrics',
    routeKey: 'POST /tokenHook',
    stage: '$default',
    time: '29/Nov/2026:06:00:00 +0000',
    timeEpoch: Date.now(),
  },
  body: '{}',
  isBase64Encoded: false,
});

afterEach(() => vi.restoreAllMocks());

describe("the function's outcome metrics", () => {
  it("land in the stage's namespace, with no dimension and the name the Unauthorized alarm watches", async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const { handle } = wireHookFromEnvironment(
      {
        PATIENTS_TABLE: 'patients',
        HOOK_USERNAME: 'okta-hook',
        HOOK_PASSWORD: 'the-password-okta-sends',
        AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
        METRICS_NAMESPACE: stageMetricsNamespace('test'),
        AWS_REGION: 'eu-west-1',
      },
      { log: createJsonLogger({ level: 'silent', service: 'test' }) },
    );
    const wrong = `Basic ${Buffer.from('okta-hook:a-rotated-away-password').toString('base64')}`;
    expect((await handle(event(wrong), { awsRequestId: 'c0ffee00-0000-4000-8000-000000000001' })).statusCode).toBe(401);

    const emf = lines.filter((line) => line.includes('"_aws"'));
    expect(emf).toHaveLength(1);
    expect(emfProblems(emf[0] as string)).toStrictEqual([]);
    const { _aws, ...values } = JSON.parse(emf[0] as string) as { _aws: { CloudWatchMetrics: unknown[] } } & Record<string, unknown>;
    expect(_aws.CloudWatchMetrics).toStrictEqual([
      {
        Namespace: 'OktaTokenHook/test',
        Dimensions: [[]],
        // The instance's first request: its init is in this answer's time.
        Metrics: [{ Name: 'Unauthorized' }, { Name: COLD_START_METRIC }],
      },
    ]);
    // The same line is the log entry, with Lambda's request id and API Gateway's.
    expect(values).toMatchObject({
      reason: 'Unauthorized',
      requestId: 'c0ffee00-0000-4000-8000-000000000001',
      apiRequestId: 'req-metrics',
      Unauthorized: 1,
      ColdStart: 1,
    });
    // An INFO line says no level (Lambda takes it as INFO) and no status (the reason says it).
    expect(Object.keys(values).filter((key) => ['level', 'status', 'FunctionName'].includes(key))).toStrictEqual([]);
  });

  it('include every outcome an alarm watches, as a reason the function gives', () => {
    const lambdaDir = new URL('../../lambda/', import.meta.url).pathname;
    const source = readdirSync(lambdaDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(join(lambdaDir, file), 'utf8'))
      .join('\n');
    for (const { metricName } of OUTCOME_ALARMS) expect(source, metricName).toContain(`reason: '${metricName}'`);
  });
});
