import { ACCESS_LOG_FIELDS } from '../../infra/hook-api.ts';
import { API_GATEWAY_REQUEST_ID } from '../support/requests.ts';

/**
 * What API Gateway puts for each `$context` variable on a patient request Okta made, in AWS's forms
 * (API Gateway developer guide, "Customizing HTTP API access logs"); `-` where there is nothing.
 */
const SAMPLE_CONTEXT: Record<string, string> = {
  '$context.requestId': API_GATEWAY_REQUEST_ID,
  '$context.awsEndpointRequestId': '8eeed65b-684f-416d-aa30-1221be49a998',
  '$context.apiId': 'a1b2c3d4e5',
  '$context.requestTime': '01/Dec/2026:12:00:00 +0000',
  '$context.identity.sourceIp': '44.234.52.112',
  '$context.routeKey': 'POST /tokenHook',
  '$context.status': '200',
  '$context.protocol': 'HTTP/1.1',
  '$context.responseLength': '98',
  '$context.responseLatency': '14',
  '$context.integrationStatus': '200',
  '$context.integrationLatency': '12',
  '$context.integrationErrorMessage': '-',
  '$context.error.message': '-',
};

/** The access-log line of a patient request, as the stage's format (infra/hook-api.ts) makes it: its bytes and the line. */
export function accessLogLine(): { bytes: number; line: string; method: string } {
  const line = JSON.stringify(
    Object.fromEntries(
      Object.entries(ACCESS_LOG_FIELDS).map(([name, variable]) => {
        const value = SAMPLE_CONTEXT[variable];
        if (value === undefined) throw new Error(`no sample value for ${variable}: add one to bench/measure/access-log.ts`);
        return [name, value];
      }),
    ),
  );
  return {
    bytes: Buffer.byteLength(line),
    line,
    method:
      "infra/hook-api.ts ACCESS_LOG_FIELDS with a patient request's values in AWS's forms (API Gateway's 16-character request id, IPv4)",
  };
}
