import { createHmac, randomBytes } from 'node:crypto';

// What the hook writes to CloudWatch: its JSON log lines, each request's one line with its metrics, and
// the guards that keep credentials and personal data out of both (redaction, an opaque user hash).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface LoggerOptions {
  level: LogLevel;
  service: string;
  /** Where a finished JSON line goes; stdout by default, where Lambda ships it to CloudWatch as is. */
  write?: (line: string) => void;
}

/**
 * One JSON object a line. Fields are flat scalars on purpose: callers log decisions, never records;
 * string fields pass through redact() as a last guard against a credential or email slipping in.
 */
export function createJsonLogger({ level, service, write = writeToStdout }: LoggerOptions): Logger {
  const threshold = SEVERITY[level];
  const log =
    (lineLevel: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields: LogFields = {}) => {
      if (SEVERITY[lineLevel] < threshold) return;
      const line: Record<string, unknown> = { timestamp: new Date().toISOString(), level: lineLevel.toUpperCase(), service, message };
      for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined) line[key] = typeof value === 'string' ? redact(value) : value;
      }
      write(JSON.stringify(line));
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

const CREDENTIAL = /\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]+/gi;
const EMAIL = /[^\s"'<>(),;:]+@[^\s"'<>(),;:]+/g;
const LONG_TOKEN = /[A-Za-z0-9+/_-]{40,}={0,2}/g;

// Each pattern needs one of these to match: white space (a credential), an @ (an email), 40 characters (a token).
const MAY_NEED_REDACTION = /[\s@]/;

/** Masks what must never reach a log line: credentials, email-like logins, long opaque tokens. */
export function redact(text: string): string {
  // Most values are short ids (a request id, a user hash): one test instead of three global replaces.
  if (text.length < 40 && !MAY_NEED_REDACTION.test(text)) return text;
  return text.replace(CREDENTIAL, '$1 [redacted]').replace(EMAIL, '[email]').replace(LONG_TOKEN, '[redacted]');
}

/** A loggable description of any thrown value: its name, code and a redacted, shortened message. */
export function describeError(error: unknown): { errorName: string; errorCode?: string; errorMessage: string } {
  if (!(error instanceof Error)) return { errorName: typeof error, errorMessage: 'non-error value thrown' };
  const code = (error as { code?: unknown }).code;
  return {
    errorName: error.name,
    ...(typeof code === 'string' ? { errorCode: code } : {}),
    // JSON.parse quotes the text it choked on, which may be a secret's value or a patient's record.
    errorMessage:
      error instanceof SyntaxError ? 'unparsable input (message withheld: it quotes the input)' : redact(error.message).slice(0, 300),
  };
}

/**
 * An opaque, stable id for a user key, so logs can correlate requests without holding the login. It is
 * an HMAC: without the key, nobody holding the logs and a list of logins can tell whose lines they are
 * (and so who is a patient). With no key configured, a random one per process still hides the login,
 * but lines then correlate only within one execution environment.
 */
export function createUserHasher(key: string | undefined): (userKey: string) => string {
  // The random key is drawn on first use: a deployed function always has a key, and the first draw
  // costs a cold start about half a millisecond of CPU.
  let secret: string | Buffer | undefined = key;
  return (userKey) => {
    secret ??= randomBytes(32);
    return createHmac('sha256', secret).update(userKey, 'utf8').digest('base64url').slice(0, 16);
  };
}

/** The CloudWatch namespace of the hook's own metrics outside a deployed stage (local runs, tests). */
export const METRICS_NAMESPACE = 'OktaTokenHook';

/**
 * A deployed stage's namespace: the function's metrics (METRICS_NAMESPACE in its environment), the
 * alarms, the dashboard and the API's 429 count all use it (infra/). A namespace a stage, rather than a
 * dimension naming the function, tells stages in one account and region apart for the fewest bytes in
 * a line written on every request.
 */
export function stageMetricsNamespace(stageName: string): string {
  return `${METRICS_NAMESPACE}/${stageName}`;
}

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
  /** The metrics' namespace: the stage's (stageMetricsNamespace) in a deployed function. */
  namespace: string;
  /** Where a finished line goes; stdout by default, where Lambda ships it to CloudWatch as is. */
  write?: (line: string) => void;
}

/**
 * One line a request that is both the log entry and a CloudWatch Embedded Metric Format document:
 * CloudWatch Logs keeps it as the log and extracts from it one count named by the reason (and a
 * `ColdStart` count on an execution environment's first request), in the namespace, with no dimension.
 * Every byte here is billed on every request, more than anything but the API itself (bench/README.md),
 * so the line holds nothing said elsewhere: no second line for the metrics, no unit (a count's is None),
 * no dimension (the namespace names the stage), and `level` only on an ERROR line: Lambda takes a JSON
 * line without one as INFO (its log-level filtering), and so does a reader.
 * Written whatever LOG_LEVEL says: the alarms count these lines.
 * Fields are flat scalars; strings pass through redact() as the logger's do.
 */
export function createRequestLog({ namespace, write = writeToStdout }: RequestLogOptions): RequestLog {
  let coldStart = true;
  // The EMF directive's fixed parts, serialized once: only the timestamp and the metric names change.
  const directive = `"CloudWatchMetrics":[{"Namespace":${JSON.stringify(namespace)},"Dimensions":[[]],"Metrics":[`;
  return {
    record({ level, reason, fields }) {
      const name = JSON.stringify(reason);
      let metrics = `{"Name":${name}}`;
      let counts = `,${name}:1`;
      if (coldStart) {
        coldStart = false;
        metrics += `,{"Name":"${COLD_START_METRIC}"}`;
        counts += `,"${COLD_START_METRIC}":1`;
      }
      const entry: Record<string, unknown> = level === 'ERROR' ? { level, reason } : { reason };
      for (const key in fields) {
        const value = fields[key];
        // A field named like the EMF block or a count is dropped: it would make the line's metrics ambiguous.
        if (value === undefined || key === '_aws' || key === reason || key === COLD_START_METRIC) continue;
        entry[key] = typeof value === 'string' ? redact(value) : value;
      }
      write(`{"_aws":{"Timestamp":${Date.now()},${directive}${metrics}]}]},${JSON.stringify(entry).slice(1, -1)}${counts}}`);
    },
  };
}

/** For callers that measure the handler, not its output. */
export const noRequestLog: RequestLog = { record() {} };

function writeToStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}
