export interface Metrics {
  /** Counts one occurrence of a named outcome. */
  count(name: string): void;
}

export interface MetricsOptions {
  namespace: string;
  service: string;
  /** The second dimension, so two stages in one account and region count apart. */
  functionName: string;
  write?: (line: string) => void;
}

/**
 * CloudWatch Embedded Metric Format: a JSON line on stdout that CloudWatch Logs turns into a metric,
 * with no library and no API call on the request path.
 */
export function createEmfMetrics({ namespace, service, functionName, write = writeToStdout }: MetricsOptions): Metrics {
  return {
    count(name) {
      write(
        JSON.stringify({
          _aws: {
            Timestamp: Date.now(),
            CloudWatchMetrics: [
              { Namespace: namespace, Dimensions: [['Service', 'FunctionName']], Metrics: [{ Name: name, Unit: 'Count' }] },
            ],
          },
          Service: service,
          FunctionName: functionName,
          [name]: 1,
        }),
      );
    },
  };
}

export const noMetrics: Metrics = { count() {} };

function writeToStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}
