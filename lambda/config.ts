import * as z from 'zod/mini';
import type { BasicCredential } from './core/basic-auth.ts';
import { isReservedClaim } from './core/reserved-claims.ts';
import { compilePatientIdPattern, DEFAULT_PATIENT_ID_PATTERN } from './core/patient-record.ts';
import type { TokenKind } from './core/tokens.ts';
import { USER_KEY_KINDS, type UserKeyKind } from './core/user-key.ts';
import type { LogLevel } from './observability/logger.ts';

export type FailureMode = 'open' | 'closed';

export interface HookConfig {
  hookPath: string;
  tableName: string;
  /** What the patients table is keyed by: the Okta login or Okta's user id. */
  userKey: UserKeyKind;
  /** A stored patient id must match this whole, or it is a data fault and no claim is made. */
  patientIdPattern: RegExp;
  claimName: string;
  claimTokens: TokenKind[];
  failureMode: FailureMode;
  failureMessage: string;
  storeTimeoutMs: number;
  logLevel: LogLevel;
  /** How long after AWSCURRENT moved (a rotation, a rollback) AWSPREVIOUS is still accepted. */
  rotationGraceHours: number;
  /** Replay protection: refuse a request whose eventTime is further than this from its arrival. Off when absent. */
  maxEventAgeSeconds?: number;
  /** The HMAC key of the user hash in log lines; a random one per process when absent. */
  userHashKey?: string;
  /** Where the HMAC key is kept instead (deployed stacks): a plain-string Secrets Manager secret, read at init. */
  userHashKeySecretId?: string;
  /**
   * How a caller proves it is Okta: the Basic credential from a Secrets Manager secret (AWS) or the
   * environment (local runs), or an OAuth access token from the authorization server `oauth` names.
   */
  credential: { secretId: string } | { static: BasicCredential } | { oauth: OAuthSettings };
}

/** HOOK_AUTH=oauth: what the access token Okta sends must show. */
export interface OAuthSettings {
  /** The authorization server's issuer, without a trailing slash; its keys are at `{issuer}/v1/keys`. */
  issuer: string;
  audience: string;
  /** A scope that must be in the token's `scp`. */
  scope: string;
  /** When set, the token's `cid` must be this client. */
  clientId?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Also what the key read from USER_HASH_KEY_SECRET_ID must be (lambda/aws/user-hash-key-secret.ts). */
export const USER_HASH_KEY_MIN_LENGTH = 32;
const USER_HASH_KEY_TOO_SHORT = `must be at least ${USER_HASH_KEY_MIN_LENGTH} characters`;

const TOKENS: Record<string, TokenKind[]> = { id: ['id'], access: ['access'], both: ['id', 'access'] };
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

const text = (fallback: string) => z._default(z.string().check(z.trim(), z.minLength(1)), fallback);
const environmentSchema = z.object({
  HOOK_PATH: text('/tokenHook').check(z.regex(/^\/[\w\-./]*$/, 'must be a path starting with /')),
  PATIENTS_TABLE: z.string().check(z.trim(), z.minLength(1, 'is required')),
  USER_KEY: z._default(z.enum(USER_KEY_KINDS as [UserKeyKind, ...UserKeyKind[]], 'must be login or oktaId'), 'login'),
  PATIENT_ID_PATTERN: z._default(z.string().check(z.maxLength(1000, 'must be at most 1000 characters')), DEFAULT_PATIENT_ID_PATTERN),
  CLAIM_NAME: text('extPatientId').check(
    z.regex(/^[A-Za-z_][\w.:/~-]{0,99}$/, 'must start with a letter or _ and use only letters, digits and _ . : / ~ -'),
  ),
  CLAIM_TOKENS: z._default(z.enum(['id', 'access', 'both'], 'must be one of id, access, both'), 'id'),
  FAILURE_MODE: z._default(z.enum(['open', 'closed'], 'must be open or closed'), 'open'),
  FAILURE_MESSAGE: text('Sign-in is temporarily unavailable. Please try again in a few minutes.'),
  STORE_TIMEOUT_MS: z._default(
    z.coerce.number('must be a whole number').check(z.int('must be a whole number'), z.gte(50, 'must be at least 50'), z.lte(800, 'must be at most 800')),
    500,
  ),
  LOG_LEVEL: z.optional(z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`)),
  ROTATION_GRACE_HOURS: z._default(
    z.coerce.number('must be a number of hours').check(z.gte(0, 'must be at least 0'), z.lte(720, 'must be at most 720')),
    24,
  ),
  MAX_EVENT_AGE_SECONDS: z.optional(
    z.coerce.number('must be a whole number').check(z.int('must be a whole number'), z.gte(1, 'must be at least 1'), z.lte(86_400, 'must be at most 86400')),
  ),
  AWS_LAMBDA_LOG_LEVEL: z.optional(z.string()),
  HOOK_SECRET_ID: z.optional(z.string().check(z.trim(), z.minLength(1))),
  HOOK_USERNAME: z.optional(z.string().check(z.minLength(1), z.regex(/^[^:]*$/, 'must not contain ":"'))),
  HOOK_PASSWORD: z.optional(z.string().check(z.minLength(1))),
  HOOK_AUTH: z._default(z.enum(['basic', 'oauth'], 'must be basic or oauth'), 'basic'),
  OAUTH_ISSUER: z.optional(z.string().check(z.trim(), z.minLength(1))),
  OAUTH_AUDIENCE: z.optional(z.string().check(z.trim(), z.minLength(1))),
  OAUTH_SCOPE: z.optional(z.string().check(z.trim(), z.regex(/^[^\s"\\]+$/, 'must be one scope name, without spaces'))),
  OAUTH_CLIENT_ID: z.optional(z.string().check(z.trim(), z.minLength(1))),
  USER_HASH_KEY: z.optional(z.string().check(z.minLength(32, USER_HASH_KEY_TOO_SHORT))),
  USER_HASH_KEY_SECRET_ID: z.optional(z.string().check(z.trim(), z.minLength(1))),
});

/** Reads and checks the configuration once; a ConfigError names the variable that is wrong. */
export function loadConfig(env: Record<string, string | undefined>): HookConfig {
  const result = environmentSchema.safeParse(withoutEmptyValues(env), { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const reason = issue?.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue?.message;
    throw new ConfigError(`${variable} ${reason}`);
  }
  const vars = result.data;
  if (vars.USER_HASH_KEY !== undefined && vars.USER_HASH_KEY_SECRET_ID !== undefined) {
    throw new ConfigError('USER_HASH_KEY and USER_HASH_KEY_SECRET_ID are both set: set one (the secret in AWS, the value for local runs)');
  }
  const claimTokens = TOKENS[vars.CLAIM_TOKENS] as TokenKind[];
  for (const token of claimTokens) {
    if (isReservedClaim(vars.CLAIM_NAME, token)) {
      throw new ConfigError(`CLAIM_NAME "${vars.CLAIM_NAME}" is reserved by Okta in the ${token} token`);
    }
  }
  return {
    hookPath: vars.HOOK_PATH,
    tableName: vars.PATIENTS_TABLE,
    userKey: vars.USER_KEY,
    patientIdPattern: patientIdPattern(vars.PATIENT_ID_PATTERN),
    claimName: vars.CLAIM_NAME,
    claimTokens,
    failureMode: vars.FAILURE_MODE,
    failureMessage: vars.FAILURE_MESSAGE,
    storeTimeoutMs: vars.STORE_TIMEOUT_MS,
    logLevel: vars.LOG_LEVEL ?? lambdaLogLevel(vars.AWS_LAMBDA_LOG_LEVEL),
    rotationGraceHours: vars.ROTATION_GRACE_HOURS,
    ...(vars.MAX_EVENT_AGE_SECONDS === undefined ? {} : { maxEventAgeSeconds: vars.MAX_EVENT_AGE_SECONDS }),
    ...(vars.USER_HASH_KEY === undefined ? {} : { userHashKey: vars.USER_HASH_KEY }),
    ...(vars.USER_HASH_KEY_SECRET_ID === undefined ? {} : { userHashKeySecretId: vars.USER_HASH_KEY_SECRET_ID }),
    credential: credentialSetting(vars),
  };
}

function credentialSetting(vars: z.infer<typeof environmentSchema>): HookConfig['credential'] {
  if (vars.HOOK_AUTH === 'oauth') return { oauth: oauthSetting(vars) };
  if (vars.HOOK_SECRET_ID) return { secretId: vars.HOOK_SECRET_ID };
  if (vars.HOOK_USERNAME && vars.HOOK_PASSWORD) {
    return { static: { username: vars.HOOK_USERNAME, password: vars.HOOK_PASSWORD } };
  }
  throw new ConfigError('HOOK_SECRET_ID is required (or HOOK_USERNAME and HOOK_PASSWORD, for local runs)');
}

function oauthSetting(vars: z.infer<typeof environmentSchema>): OAuthSettings {
  const required = (name: 'OAUTH_ISSUER' | 'OAUTH_AUDIENCE' | 'OAUTH_SCOPE'): string => {
    const value = vars[name];
    if (value === undefined) throw new ConfigError(`${name} is required when HOOK_AUTH=oauth`);
    return value;
  };
  return {
    issuer: checkIssuer(required('OAUTH_ISSUER')),
    audience: required('OAUTH_AUDIENCE'),
    scope: required('OAUTH_SCOPE'),
    ...(vars.OAUTH_CLIENT_ID ? { clientId: vars.OAUTH_CLIENT_ID } : {}),
  };
}

// The keys that sign the caller's token come from this URL: plain http would let anyone on the path
// hand the function their own keys. Loopback is allowed so tests can run a local issuer.
function checkIssuer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('OAUTH_ISSUER must be a URL, e.g. https://example.okta.com/oauth2/aus1hooks');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError('OAUTH_ISSUER must be an https URL (http only for 127.0.0.1 or localhost)');
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError('OAUTH_ISSUER must be the issuer URL alone, without query, fragment or credentials');
  }
  return value.replace(/\/+$/, '');
}

function patientIdPattern(source: string): RegExp {
  try {
    return compilePatientIdPattern(source);
  } catch {
    throw new ConfigError('PATIENT_ID_PATTERN must be a regular expression, e.g. [A-Za-z0-9._-]{1,64}');
  }
}

function lambdaLogLevel(value: string | undefined): LogLevel {
  const level = value?.toLowerCase();
  if (level === 'trace') return 'debug';
  if (level === 'fatal') return 'error';
  return (LOG_LEVELS as readonly string[]).includes(level ?? '') ? (level as LogLevel) : 'info';
}

function withoutEmptyValues(env: Record<string, string | undefined>): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') present[key] = value;
  return present;
}
