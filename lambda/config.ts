import type { BasicCredential } from './core/basic-auth.ts';
import type { TokenKind } from './core/hook-request.ts';
import { compilePatientIdPattern, DEFAULT_PATIENT_ID_PATTERN, USER_KEY_KINDS, type UserKeyKind } from './core/patient-record.ts';
import { type LogLevel, METRICS_NAMESPACE } from './observability.ts';

export type FailureMode = 'open' | 'closed';

/** Where Okta calls the hook unless HOOK_PATH says otherwise. */
export const DEFAULT_HOOK_PATH = '/tokenHook';

/** Where the health check answers (GET, no credential), whatever HOOK_PATH is; Route 53 asks it (infra/). */
export const HEALTH_PATH = '/health';

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
  /** Where the request lines' metrics go: the stage's namespace in AWS (infra/ sets it). */
  metricsNamespace: string;
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

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
const CLAIM_TOKEN_SETTINGS = ['id', 'access', 'both'] as const;
const TOKENS: Record<(typeof CLAIM_TOKEN_SETTINGS)[number], TokenKind[]> = { id: ['id'], access: ['access'], both: ['id', 'access'] };
const FAILURE_MODES = ['open', 'closed'] as const;
const HOOK_AUTH_MODES = ['basic', 'oauth'] as const;

/** Reads and checks the configuration once; a ConfigError names the variable that is wrong. */
export function loadConfig(env: Environment): HookConfig {
  const vars = readEnvironment(env);
  if (vars.USER_HASH_KEY !== undefined && vars.USER_HASH_KEY_SECRET_ID !== undefined) {
    throw new ConfigError('USER_HASH_KEY and USER_HASH_KEY_SECRET_ID are both set: set one (the secret in AWS, the value for local runs)');
  }
  const claimTokens = TOKENS[vars.CLAIM_TOKENS];
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
    metricsNamespace: vars.METRICS_NAMESPACE,
    rotationGraceHours: vars.ROTATION_GRACE_HOURS,
    ...(vars.MAX_EVENT_AGE_SECONDS === undefined ? {} : { maxEventAgeSeconds: vars.MAX_EVENT_AGE_SECONDS }),
    ...(vars.USER_HASH_KEY === undefined ? {} : { userHashKey: vars.USER_HASH_KEY }),
    ...(vars.USER_HASH_KEY_SECRET_ID === undefined ? {} : { userHashKeySecretId: vars.USER_HASH_KEY_SECRET_ID }),
    credential: credentialSetting(vars),
  };
}

function credentialSetting(vars: EnvironmentVariables): HookConfig['credential'] {
  if (vars.HOOK_AUTH === 'oauth') return { oauth: oauthSetting(vars) };
  if (vars.HOOK_SECRET_ID) return { secretId: vars.HOOK_SECRET_ID };
  if (vars.HOOK_USERNAME && vars.HOOK_PASSWORD) {
    return { static: { username: vars.HOOK_USERNAME, password: vars.HOOK_PASSWORD } };
  }
  throw new ConfigError('HOOK_SECRET_ID is required (or HOOK_USERNAME and HOOK_PASSWORD, for local runs)');
}

function oauthSetting(vars: EnvironmentVariables): OAuthSettings {
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

/** LOG_LEVEL in any case, as Lambda and Powertools users write it (`DEBUG`), with Lambda's TRACE and FATAL. */
function logLevelSetting(value: string | undefined): LogLevel | undefined {
  if (value === undefined) return undefined;
  const level = value.trim().toLowerCase();
  const named = level === 'trace' ? 'debug' : level === 'fatal' ? 'error' : level;
  if (!(LOG_LEVELS as readonly string[]).includes(named)) fail('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  return named as LogLevel;
}

function lambdaLogLevel(value: string | undefined): LogLevel {
  const level = value?.toLowerCase();
  if (level === 'trace') return 'debug';
  if (level === 'fatal') return 'error';
  return (LOG_LEVELS as readonly string[]).includes(level ?? '') ? (level as LogLevel) : 'info';
}

type Environment = Record<string, string | undefined>;

/**
 * One variable, read by name: a variable set to the empty string counts as unset. By name rather than
 * by copying the set ones first: process.env holds everything Lambda sets, and walking it at a cold
 * start costs more than all of these reads.
 */
function setting(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === '' ? undefined : value;
}

/** The environment after its checks: defaults filled in, numbers read, trimmed where that is the rule. */
interface EnvironmentVariables {
  HOOK_PATH: string;
  PATIENTS_TABLE: string;
  USER_KEY: UserKeyKind;
  PATIENT_ID_PATTERN: string;
  CLAIM_NAME: string;
  CLAIM_TOKENS: (typeof CLAIM_TOKEN_SETTINGS)[number];
  FAILURE_MODE: FailureMode;
  FAILURE_MESSAGE: string;
  STORE_TIMEOUT_MS: number;
  LOG_LEVEL: LogLevel | undefined;
  METRICS_NAMESPACE: string;
  ROTATION_GRACE_HOURS: number;
  MAX_EVENT_AGE_SECONDS: number | undefined;
  AWS_LAMBDA_LOG_LEVEL: string | undefined;
  HOOK_SECRET_ID: string | undefined;
  HOOK_USERNAME: string | undefined;
  HOOK_PASSWORD: string | undefined;
  HOOK_AUTH: (typeof HOOK_AUTH_MODES)[number];
  OAUTH_ISSUER: string | undefined;
  OAUTH_AUDIENCE: string | undefined;
  OAUTH_SCOPE: string | undefined;
  OAUTH_CLIENT_ID: string | undefined;
  USER_HASH_KEY: string | undefined;
  USER_HASH_KEY_SECRET_ID: string | undefined;
}

// Plain code, not a schema library: this runs at every cold start, on Okta's clock, and zod/mini's
// schemas for it cost more at init than the checks themselves (bench/README.md). The
// variables are checked in this order, and the first that is wrong is the one the error names.
function readEnvironment(env: Environment): EnvironmentVariables {
  return {
    HOOK_PATH: hookPath(env),
    PATIENTS_TABLE: trimmed(env, 'PATIENTS_TABLE', 'is required') ?? fail('PATIENTS_TABLE', 'is required'),
    USER_KEY: oneOf(env, 'USER_KEY', USER_KEY_KINDS, 'must be login or oktaId') ?? 'login',
    PATIENT_ID_PATTERN: atMost(env, 'PATIENT_ID_PATTERN', 1000) ?? DEFAULT_PATIENT_ID_PATTERN,
    CLAIM_NAME: matching(
      'CLAIM_NAME',
      trimmed(env, 'CLAIM_NAME') ?? 'extPatientId',
      /^[A-Za-z_][\w.:/~-]{0,99}$/,
      'must start with a letter or _ and use only letters, digits and _ . : / ~ -',
    ),
    CLAIM_TOKENS: oneOf(env, 'CLAIM_TOKENS', CLAIM_TOKEN_SETTINGS, 'must be one of id, access, both') ?? 'id',
    FAILURE_MODE: oneOf(env, 'FAILURE_MODE', FAILURE_MODES, 'must be open or closed') ?? 'open',
    FAILURE_MESSAGE: trimmed(env, 'FAILURE_MESSAGE') ?? 'Sign-in is temporarily unavailable. Please try again in a few minutes.',
    STORE_TIMEOUT_MS: wholeNumber(env, 'STORE_TIMEOUT_MS', 50, 800) ?? 500,
    LOG_LEVEL: logLevelSetting(setting(env, 'LOG_LEVEL')),
    METRICS_NAMESPACE: matching(
      'METRICS_NAMESPACE',
      trimmed(env, 'METRICS_NAMESPACE') ?? METRICS_NAMESPACE,
      /^(?!AWS\/)[\w.\-/#: ]{1,255}$/,
      'must be a CloudWatch namespace: up to 255 letters, digits, spaces and . - _ / # :, not starting with AWS/',
    ),
    ROTATION_GRACE_HOURS: numberOfHours(env, 'ROTATION_GRACE_HOURS', 0, 720) ?? 24,
    MAX_EVENT_AGE_SECONDS: wholeNumber(env, 'MAX_EVENT_AGE_SECONDS', 1, 86_400),
    AWS_LAMBDA_LOG_LEVEL: setting(env, 'AWS_LAMBDA_LOG_LEVEL'),
    HOOK_SECRET_ID: trimmed(env, 'HOOK_SECRET_ID'),
    HOOK_USERNAME: matching('HOOK_USERNAME', setting(env, 'HOOK_USERNAME'), /^[^:]*$/, 'must not contain ":"'),
    HOOK_PASSWORD: setting(env, 'HOOK_PASSWORD'),
    HOOK_AUTH: oneOf(env, 'HOOK_AUTH', HOOK_AUTH_MODES, 'must be basic or oauth') ?? 'basic',
    OAUTH_ISSUER: trimmed(env, 'OAUTH_ISSUER'),
    OAUTH_AUDIENCE: trimmed(env, 'OAUTH_AUDIENCE'),
    OAUTH_SCOPE: matching('OAUTH_SCOPE', setting(env, 'OAUTH_SCOPE')?.trim(), /^[^\s"\\]+$/, 'must be one scope name, without spaces'),
    OAUTH_CLIENT_ID: trimmed(env, 'OAUTH_CLIENT_ID'),
    USER_HASH_KEY: atLeast(env, 'USER_HASH_KEY', USER_HASH_KEY_MIN_LENGTH, USER_HASH_KEY_TOO_SHORT),
    USER_HASH_KEY_SECRET_ID: trimmed(env, 'USER_HASH_KEY_SECRET_ID'),
  };
}

const fail = (name: string, reason: string): never => {
  throw new ConfigError(`${name} ${reason}`);
};

/** Surrounding white space is not part of the value; a value that is only white space is refused. */
function trimmed(env: Environment, name: string, blank = 'must not be blank'): string | undefined {
  const value = setting(env, name)?.trim();
  if (value === '') fail(name, blank);
  return value;
}

function hookPath(env: Environment): string {
  const path = matching('HOOK_PATH', trimmed(env, 'HOOK_PATH') ?? DEFAULT_HOOK_PATH, /^\/[\w\-./]*$/, 'must be a path starting with /');
  return path === HEALTH_PATH ? fail('HOOK_PATH', `must not be ${HEALTH_PATH}, the health check's path`) : path;
}

function matching<Value extends string | undefined>(name: string, value: Value, pattern: RegExp, reason: string): Value {
  if (value !== undefined && !pattern.test(value)) fail(name, reason);
  return value;
}

function oneOf<Allowed extends string>(env: Environment, name: string, allowed: readonly Allowed[], reason: string): Allowed | undefined {
  const value = setting(env, name);
  if (value !== undefined && !(allowed as readonly string[]).includes(value)) fail(name, reason);
  return value as Allowed | undefined;
}

function atMost(env: Environment, name: string, maxLength: number): string | undefined {
  const value = setting(env, name);
  if (value !== undefined && value.length > maxLength) fail(name, `must be at most ${maxLength} characters`);
  return value;
}

function atLeast(env: Environment, name: string, minLength: number, reason: string): string | undefined {
  const value = setting(env, name);
  if (value !== undefined && value.length < minLength) fail(name, reason);
  return value;
}

function wholeNumber(env: Environment, name: string, min: number, max: number): number | undefined {
  const text = setting(env, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) fail(name, 'must be a whole number');
  return within(name, value, min, max);
}

function numberOfHours(env: Environment, name: string, min: number, max: number): number | undefined {
  const text = setting(env, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) fail(name, 'must be a number of hours');
  return within(name, value, min, max);
}

function within(name: string, value: number, min: number, max: number): number {
  if (value < min) fail(name, `must be at least ${min}`);
  if (value > max) fail(name, `must be at most ${max}`);
  return value;
}

// Okta refuses any command on these claims and drops the whole patch (token inline hook reference).
const RESERVED_IN_BOTH = ['acr', 'auth_time', 'cid', 'exp', 'groups', 'iat', 'iss', 'jti', 'sid', 'token_type', 'ver'];
const RESERVED_IN_ID_TOKEN = [
  'active',
  'aid',
  'amr',
  'app_id',
  'app_type',
  'at_hash',
  'aud',
  'c_hash',
  'client_id',
  'client_ip',
  'client_req_id',
  'client_type',
  'client_user_agent',
  'device_compliance',
  'device_id',
  'device_known',
  'device_managed',
  'device_name',
  'device_trust',
  'did',
  'dst',
  'group',
  'hotk',
  'idp',
  'idp_iss',
  'mac_key',
  'may_act',
  'nonce',
  'oid',
  'okta_emailVerified',
  'okta_lastUpdated',
  'orig',
  'permissions',
  'purpose',
  'pwd_exp_days',
  'pwd_exp_time',
  'rid',
  'role',
  'scope',
  'scopes',
  'sub',
  'term',
  'user_ip',
  'cnf',
];
const RESERVED_IN_ACCESS_TOKEN = ['as_uri', 'authorization_details', 'rpt', 'rsi', 'scp', 'uid', 'username', 'cnf'];

export const RESERVED_CLAIMS: Readonly<Record<TokenKind, ReadonlySet<string>>> = {
  id: new Set([...RESERVED_IN_BOTH, ...RESERVED_IN_ID_TOKEN]),
  access: new Set([...RESERVED_IN_BOTH, ...RESERVED_IN_ACCESS_TOKEN]),
};

export function isReservedClaim(name: string, token: TokenKind): boolean {
  return RESERVED_CLAIMS[token].has(name);
}
