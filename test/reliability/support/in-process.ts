import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createJsonLogger, type Logger, createRequestLog, METRICS_NAMESPACE, type RequestLog } from '../../../lambda/observability.ts';
import { SERVICE_NAME } from '../../../lambda/wiring.ts';
import { captureLine } from '../../support/captured-output.ts';

export interface HookEventOptions {
  body?: string;
  authorization?: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  isBase64Encoded?: boolean;
  /** When API Gateway received the request, ms since the epoch. */
  timeEpoch?: number;
}

/** The API Gateway v2 event for a call to the hook, as the local adapter builds it, for in-process runs. */
export function hookEvent({
  body,
  authorization,
  method = 'POST',
  path = '/tokenHook',
  headers = {},
  isBase64Encoded = false,
  timeEpoch = Date.now(),
}: HookEventOptions = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }), ...headers },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'Okta Hooks' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(timeEpoch).toUTCString(),
      timeEpoch,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded,
  };
}

export interface CapturedOutput {
  log: Logger;
  requests: RequestLog;
  /** Every line written: one a request (the log entry and its EMF metrics) and any the logger wrote. */
  logs: string[];
}

/** A logger and a request log that keep their lines, for assertions and for the output scan. */
export function capturedOutput(): CapturedOutput {
  const logs: string[] = [];
  const keepIn = (lines: string[]) => (line: string) => {
    lines.push(line);
    captureLine(line);
  };
  return {
    log: createJsonLogger({ level: 'debug', service: SERVICE_NAME, write: keepIn(logs) }),
    requests: createRequestLog({ namespace: METRICS_NAMESPACE, write: keepIn(logs) }),
    logs,
  };
}

/** The outcome counted by each request line (its first metric; a cold start's line counts ColdStart too). */
export function countedMetrics(lines: readonly string[]): string[] {
  return lines
    .map((line) => JSON.parse(line) as { _aws?: { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> } })
    .filter((line) => line._aws !== undefined)
    .map((line) => line._aws!.CloudWatchMetrics[0]!.Metrics[0]!.Name);
}
