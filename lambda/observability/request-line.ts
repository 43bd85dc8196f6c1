import type { LogFields } from './logger.ts';
import { redact } from './redact.ts';

/** The CloudWatch namespace of the hook's own metrics; the alarms and the dashboard read it (infra/). */
export const METRICS_NAMESPACE = 'OktaTokenHook';

/** The metric counted on the first request an execution environment serves (its init is in that answer's time). */
export const COLD_START_METRIC = 'ColdStart';

/** What one request ends with: its reason is both the line's `reason` and the metric counted. */
export interface RequestRecord {
  /** ERROR when the answer is a failure (an error, or a record the hook refused), else INFO. */
  level: 'INFO' | 'ERROR';
  /** The line's message as well as its metric: a message beside it would only repeat it in bytes. */
  reason: string;
  fields: LogFields;
}

export interface RequestLog {
  /** Writes the request's one line: the log entry and its metrics. */
  record(request: RequestRecord): void;
}

export interface RequestLogOptions {
  service: string;
  /** The second dimension, so two stages in one account and region count apart. */
  functionName: string;
  /** Where a finished line goes; stdout by default, where Lambda ships it to CloudWatch as is. */
  write?: (line: string) => void;
}

/**
 * One line a request that is both the log entry and a CloudWatch Embedded Metric Format document:
 * CloudWatch Logs keeps it as the log and extracts from it one count named by the reason (and a
 * `ColdStart` count on an execution environment's first request), with the dimensions `Service` and
 * `FunctionName`. A second line for the metrics would double the log bytes, which cost more than
 * anything but the API itself. Written whatever LOG_LEVEL says: the alarms count these lines.
 * Fields are flat scalars; strings pass through redact() as the logger's do.
 */
export function createRequestLog({ service, functionName, write = writeToStdout }: RequestLogOptions): RequestLog {
  let coldStart = true;
  return {
    record({ level, reason, fields }) {
      const metrics = [{ Name: reason, Unit: 'Count' }];
      const counts: Record<string, number> = { [reason]: 1 };
      if (coldStart) {
        coldStart = false;
        metrics.push({ Name: COLD_START_METRIC, Unit: 'Count' });
        counts[COLD_START_METRIC] = 1;
      }
      // The metric values come after the log fields, so no field can overwrite a count or a dimension.
      const line: Record<string, unknown> = {
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['Service', 'FunctionName']], Metrics: metrics }],
        },
        level,
        reason,
      };
      for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined) line[key] = typeof value === 'string' ? redact(value) : value;
      }
      Object.assign(line, { Service: service, FunctionName: functionName }, counts);
      write(JSON.stringify(line));
    },
  };
}

/** For callers that measure the handler, not its output. */
export const noRequestLog: RequestLog = { record() {} };

function writeToStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}
