/**
 * What CloudWatch needs of an Embedded Metric Format document before it extracts a metric from it
 * (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * `_aws.Timestamp` in epoch milliseconds, and every metric and dimension named in `CloudWatchMetrics`
 * present at the top level, a metric as a number and a dimension as a string. CloudWatch drops a
 * document that breaks these without a word, so the alarms would watch nothing. Empty when it is valid.
 */
export function emfProblems(line: string): string[] {
  const document = JSON.parse(line) as Record<string, unknown>;
  const aws = document._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (typeof aws !== 'object' || aws === null) return ['no _aws object'];
  const problems: string[] = [];
  if (typeof aws.Timestamp !== 'number' || !Number.isInteger(aws.Timestamp)) problems.push('_aws.Timestamp is not epoch milliseconds');
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0) return [...problems, 'no CloudWatchMetrics'];
  for (const directive of aws.CloudWatchMetrics as Array<{ Namespace?: unknown; Dimensions?: unknown; Metrics?: unknown }>) {
    if (typeof directive.Namespace !== 'string' || directive.Namespace === '') problems.push('a directive has no Namespace');
    for (const set of (directive.Dimensions ?? []) as string[][]) {
      for (const name of set) if (typeof document[name] !== 'string') problems.push(`dimension ${name} is not a top-level string`);
    }
    if (!Array.isArray(directive.Metrics) || directive.Metrics.length === 0) problems.push('a directive has no Metrics');
    for (const { Name } of (directive.Metrics ?? []) as Array<{ Name: string }>) {
      if (typeof document[Name] !== 'number') problems.push(`metric ${Name} is not a top-level number`);
    }
  }
  return problems;
}

/** The names of the metrics an EMF line counts. */
export function metricNames(line: string): string[] {
  const document = JSON.parse(line) as { _aws: { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> } };
  return document._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((metric) => metric.Name));
}
