import { redact } from './redact.ts';

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

function writeToStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}
