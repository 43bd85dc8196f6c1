import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

/** What differs between deployments of the hook. Every field has a default except the stage name. */
export interface TokenHookSettings {
  /** Names the deployment (`dev`, `prod`); part of the stack name, so stages deploy side by side. */
  stageName: string;
  /** The claim added to the token. Default `extPatientId`. */
  claimName?: string;
  /** Which tokens get the claim: `id` (default), `access` or `both`. */
  claimTokens?: 'id' | 'access' | 'both';
  /** What a store failure answers: `open` (default; token without the claim) or `closed` (sign-in fails). */
  failureMode?: 'open' | 'closed';
  /** Stage throttling, steady requests per second. Default 50. */
  throttleRateLimit?: number;
  /** Stage throttling, burst. Default 100. */
  throttleBurstLimit?: number;
  /** Where alarm notifications go; no SNS topic when absent. */
  alarmEmail?: string;
  /** Days between automatic rotations of the Basic credential. Default 30. */
  rotationDays?: number;
  /** How long the function and access logs are kept. Default three months. */
  logRetention?: RetentionDays;
}

export const DEFAULT_SETTINGS = {
  claimName: 'extPatientId',
  claimTokens: 'id',
  failureMode: 'open',
  // Okta's own org rate limits on the token endpoints are far below this, so only a caller that is
  // not Okta reaches it; above it API Gateway answers 429 before the function or DynamoDB is billed.
  throttleRateLimit: 50,
  throttleBurstLimit: 100,
  rotationDays: 30,
  logRetention: RetentionDays.THREE_MONTHS,
} as const satisfies Omit<Required<TokenHookSettings>, 'stageName' | 'alarmEmail'>;

export type ResolvedSettings = Required<Omit<TokenHookSettings, 'alarmEmail'>> & Pick<TokenHookSettings, 'alarmEmail'>;

/** The settings with every default filled in. */
export function resolveSettings(settings: TokenHookSettings): ResolvedSettings {
  return {
    stageName: settings.stageName,
    claimName: settings.claimName ?? DEFAULT_SETTINGS.claimName,
    claimTokens: settings.claimTokens ?? DEFAULT_SETTINGS.claimTokens,
    failureMode: settings.failureMode ?? DEFAULT_SETTINGS.failureMode,
    throttleRateLimit: settings.throttleRateLimit ?? DEFAULT_SETTINGS.throttleRateLimit,
    throttleBurstLimit: settings.throttleBurstLimit ?? DEFAULT_SETTINGS.throttleBurstLimit,
    rotationDays: settings.rotationDays ?? DEFAULT_SETTINGS.rotationDays,
    logRetention: settings.logRetention ?? DEFAULT_SETTINGS.logRetention,
    ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
  };
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const CONTEXT_KEYS = [
  'stage',
  'claimName',
  'claimTokens',
  'failureMode',
  'throttleRateLimit',
  'throttleBurstLimit',
  'alarmEmail',
  'rotationDays',
  'logRetentionDays',
] as const;

/**
 * Reads the settings from CDK context (`cdk.json` or `-c key=value`). Values given with `-c` arrive as
 * strings, so numbers are parsed here; a wrong value stops synthesis with a message naming the key.
 */
export function settingsFromContext(node: Node): TokenHookSettings {
  const read = (key: (typeof CONTEXT_KEYS)[number]): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    return String(value).trim();
  };
  const stageName = read('stage') ?? 'dev';
  if (!/^[A-Za-z][A-Za-z0-9-]{0,19}$/.test(stageName)) {
    throw new SettingsError('context "stage" must be 1-20 letters, digits or "-", starting with a letter');
  }
  const claimTokens = oneOf(read('claimTokens'), ['id', 'access', 'both'], 'claimTokens');
  const failureMode = oneOf(read('failureMode'), ['open', 'closed'], 'failureMode');
  const alarmEmail = read('alarmEmail');
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    throw new SettingsError('context "alarmEmail" must be an email address');
  }
  const logRetentionDays = wholeNumber(read('logRetentionDays'), 'logRetentionDays', 1, 3653);
  if (logRetentionDays !== undefined && !Object.values(RetentionDays).includes(logRetentionDays)) {
    throw new SettingsError('context "logRetentionDays" must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, ...)');
  }
  return withoutUndefined({
    stageName,
    claimName: read('claimName'),
    claimTokens,
    failureMode,
    throttleRateLimit: wholeNumber(read('throttleRateLimit'), 'throttleRateLimit', 1, 10_000),
    throttleBurstLimit: wholeNumber(read('throttleBurstLimit'), 'throttleBurstLimit', 1, 5_000),
    alarmEmail,
    rotationDays: wholeNumber(read('rotationDays'), 'rotationDays', 1, 365),
    logRetention: logRetentionDays as RetentionDays | undefined,
  });
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], key: string): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new SettingsError(`context "${key}" must be one of ${allowed.join(', ')}`);
}

function wholeNumber(value: string | undefined, key: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new SettingsError(`context "${key}" must be a whole number from ${min} to ${max}`);
  }
  return number;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
