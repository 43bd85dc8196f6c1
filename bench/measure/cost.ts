import { round } from '../support/stats.ts';

/**
 * AWS's published on-demand prices in us-east-1 (N. Virginia), as read on 2026-12-01 from the pricing
 * pages named in bench/README.md. First tiers only: a hook's volume never leaves them.
 */
export const US_EAST_1_PRICES = {
  /** API Gateway HTTP API, first 300 million requests a month, per million (requests up to 512 KB). */
  httpApiPerMillion: 1.0,
  /** Lambda, per million requests (both architectures). */
  lambdaPerMillionRequests: 0.2,
  /** Lambda on Arm, first 7.5 billion GB-s a month, per GB-s. */
  lambdaArmPerGbSecond: 0.0000133334,
  /** CloudWatch Logs, Standard class, data ingested per GB (Lambda's logs: the vended-logs tier up to 10 TB). */
  logsIngestionPerGb: 0.5,
  /** DynamoDB on-demand, per million read request units; an eventually consistent GetItem under 4 KB is half a unit. */
  dynamoDbPerMillionReadUnits: 0.125,
} as const;

/** The function as infra/hook-function.ts configures it. */
export const FUNCTION_MEMORY_MB = 512;

/**
 * Lambda gives a function CPU in proportion to its memory, a full vCPU at 1,769 MB (AWS Lambda
 * developer guide, "Configuring function memory"): at 512 MB the CPU time measured here takes this
 * many times longer to run.
 */
const CPU_STRETCH = 1769 / FUNCTION_MEMORY_MB;

/**
 * What the CPU figure cannot give: a GetItem's round trip from Lambda to DynamoDB in the same region on
 * a kept-alive connection. An assumption (DynamoDB's "single-digit milliseconds"), not a measurement.
 */
export const ASSUMED_STORE_ROUND_TRIP_MS = 4;

const BYTES_PER_GB = 1024 ** 3;

export interface CostInput {
  /** The hook's CPU time a warm call, µs (measured on this machine). */
  cpuUsPerCall: number;
  /** The function's log bytes a call (its one line). */
  functionLogBytes: number;
  /** The API access log's bytes a call. */
  accessLogBytes: number;
}

export interface CostResult {
  method: string;
  billedMsPerCall: number;
  /** Dollars per million calls, by front door, with the parts that make them. */
  httpApi: { total: number; parts: Record<string, number> };
  functionUrl: { total: number; parts: Record<string, number> };
}

/** Dollars per million warm calls, from the measured figures and the prices above. */
export function costPerMillion({ cpuUsPerCall, functionLogBytes, accessLogBytes }: CostInput): CostResult {
  const prices = US_EAST_1_PRICES;
  // Lambda bills each call's duration rounded up to the next millisecond.
  const billedMsPerCall = Math.ceil((cpuUsPerCall / 1000) * CPU_STRETCH + ASSUMED_STORE_ROUND_TRIP_MS);
  const lambdaDuration = (billedMsPerCall / 1000) * (FUNCTION_MEMORY_MB / 1024) * prices.lambdaArmPerGbSecond * 1e6;
  const logs = (bytes: number) => ((bytes * 1e6) / BYTES_PER_GB) * prices.logsIngestionPerGb;
  const common = {
    lambdaRequests: prices.lambdaPerMillionRequests,
    lambdaDuration,
    dynamoDbRead: 0.5 * prices.dynamoDbPerMillionReadUnits,
    functionLog: logs(functionLogBytes),
  };
  const httpApiParts = { httpApi: prices.httpApiPerMillion, ...common, accessLog: logs(accessLogBytes) };
  const total = (parts: Record<string, number>) =>
    round(
      Object.values(parts).reduce((sum, part) => sum + part, 0),
      3,
    );
  const rounded = (parts: Record<string, number>) =>
    Object.fromEntries(Object.entries(parts).map(([name, value]) => [name, round(value, 4)]));
  return {
    method:
      `us-east-1 prices of ${Object.entries(prices)
        .map(([name, value]) => `${name} $${value}`)
        .join(
          ', ',
        )}; billed ms = ceil(CPU µs × ${round(CPU_STRETCH, 2)} (${FUNCTION_MEMORY_MB} MB's share of a vCPU) + ${ASSUMED_STORE_ROUND_TRIP_MS} ms assumed GetItem round trip); ` +
      'GB = 2^30 bytes; warm calls only (no init, no Secrets Manager reads, which come per execution environment, not per call)',
    billedMsPerCall,
    httpApi: { total: total(httpApiParts), parts: rounded(httpApiParts) },
    functionUrl: { total: total(common), parts: rounded(common) },
  };
}
