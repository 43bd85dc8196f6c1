import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { DEFAULT_PATIENT_ID_PATTERN, USER_KEY_KINDS, type UserKeyKind } from '../lambda/core/patient-record.ts';
import { OKTA_AUTH_KINDS, type OktaAuthKind } from '../lambda/okta/service-app.ts';

/** What differs between deployments of the hook. Every field has a default except the stage name. */
export interface TokenHookSettings {
  /** Names the deployment (`dev`, `prod`); part of the stack name, so stages deploy side by side. */
  stageName: string;
  /** The claim added to the token. Default `extPatientId`. */
  claimName?: string;
  /**
   * What the patients table is keyed by (`USER_KEY`): `login` (default, the seed guide's design) or
   * `oktaId`, Okta's immutable user id, which survives renames and is never re-used. Each has a table of
   * its own: switch with `keyMigration` on, after `npm run patients -- migrate` (docs/identity.md).
   */
  userKey?: UserKeyKind;
  /**
   * While moving between `login` and `oktaId` keys: the stack holds both tables, the one `userKey` reads
   * and the other, so the Okta-id table can be filled (`npm run patients -- migrate`) before the switch and
   * the login table is still the stack's for a rollback. Off by default: then only the table read is held.
   */
  keyMigration?: boolean;
  /** What a patient id must match, whole (`PATIENT_ID_PATTERN`). Default 1 to 64 of `A-Z a-z 0-9 . _ -`. */
  patientIdPattern?: string;
  /** Which tokens get the claim: `id` (default), `access` or `both`. */
  claimTokens?: 'id' | 'access' | 'both';
  /** What a store failure answers: `open` (default; token without the claim) or `closed` (sign-in fails). */
  failureMode?: 'open' | 'closed';
  /** Stage throttling, steady requests per second. Default 70, from Okta's token rate limits (see DEFAULT_SETTINGS). */
  throttleRateLimit?: number;
  /** Stage throttling, burst. Default 140, two seconds at the steady rate. */
  throttleBurstLimit?: number;
  /**
   * Concurrent executions reserved for the hook function: a floor no other function in the account can
   * take and a ceiling on this one. Default: the steady rate for the 1 s answer deadline, the most a
   * request can take. 0 reserves nothing (the account's unreserved pool serves it, shared). Lambda keeps
   * at least 100 of the account's concurrency unreserved, so a reservation fails to deploy in an account
   * whose limit is under 100 plus it (new accounts can start at 10): ask for more, or set 0 there.
   */
  reservedConcurrency?: number;
  /** Subscribed to the alarm topic (the stack's own, or `alarmTopicArn`). `prod` needs this or `alarmTopicArn`. */
  alarmEmail?: string;
  /**
   * An existing SNS topic for every alarm and the rotation result, instead of one the stack makes (a team's
   * paging topic, say). Its policy must let CloudWatch alarms and EventBridge publish to it.
   */
  alarmTopicArn?: string;
  /**
   * Hours without one request to the API that raise the NoTraffic alarm: a hook detached in Okta gets no
   * calls and looks healthy otherwise. 1 to 24; 0 turns the alarm off (a stage nobody signs in to). Default 24.
   */
  noTrafficAlarmHours?: number;
  /**
   * How Okta proves it is Okta: `basic` (default), a Basic credential in Secrets Manager that rotates; or
   * `oauth`, an access token from an Okta authorization server, which the function verifies itself. In
   * OAuth mode the stack has no secret and no rotation, and `oauthIssuer`, `oauthAudience` and
   * `oauthScope` are required.
   */
  authMode?: AuthMode;
  /** OAuth mode: the issuer of the authorization server Okta gets hook tokens from (`OAUTH_ISSUER`). */
  oauthIssuer?: string;
  /** OAuth mode: the audience the token must be for (`OAUTH_AUDIENCE`). */
  oauthAudience?: string;
  /** OAuth mode: the scope the token's `scp` must hold (`OAUTH_SCOPE`). */
  oauthScope?: string;
  /** OAuth mode, optional: the only client whose tokens are accepted, the token's `cid` (`OAUTH_CLIENT_ID`). */
  oauthClientId?: string;
  /**
   * Basic mode: the Okta org whose inline hook the rotation updates, e.g. `https://dev-123456.okta.com`
   * (https only). With `oktaHookId`, the credential rotates every `rotationDays` and the rotation function
   * updates Okta itself; without them nothing rotates on a schedule (rotation by hand, docs/operations.md).
   */
  oktaOrgUrl?: string;
  /** Basic mode: the id of the token inline hook in Okta (`cal...`, 20 letters and digits). */
  oktaHookId?: string;
  /**
   * How the rotation function signs in to Okta's Management API: `privateKeyJwt` (default), an API
   * Services app with the `okta.inlineHooks.manage` scope, or `apiToken`, an SSWS API token. Either lives
   * in the Okta credential secret the stack creates empty.
   */
  oktaAuth?: OktaAuthKind;
  /** Basic mode with the Okta settings: days between automatic rotations of the credential. Default 30. */
  rotationDays?: number;
  /**
   * Basic mode: hours after a rotation during which the previous credential is still accepted, for Okta
   * calls already under way and instances that have not seen the rotation yet, or the time an operator
   * has to give Okta a new credential by hand (`ROTATION_GRACE_HOURS`, 0 to 720). Default 24.
   */
  rotationGraceHours?: number;
  /** Replay protection: refuse a request whose `eventTime` is further than this from now (`MAX_EVENT_AGE_SECONDS`). Off by default. */
  maxEventAgeSeconds?: number;
  /** How long the function and access logs are kept. Default three months. */
  logRetention?: RetentionDays;
  /** Days each daily AWS Backup recovery point of the patients table is kept. Default 35. */
  backupRetentionDays?: number;
  /**
   * An existing AWS Backup vault in a second region (its ARN) that every daily recovery point is copied
   * to, so the roster survives the loss of the region. No copy when absent.
   */
  backupCopyVaultArn?: string;
  /**
   * The regions to deploy to, one stack each (docs/regions.md). None or one: a single stack, as ever.
   * Two or more: a global patients table, secrets replicated to each region, and one custom domain
   * (`domainName` in `hostedZoneId`) routed to the nearest healthy region.
   */
  regions?: string[];
  /** Several regions: the region whose stack owns the global table and the secrets, and runs the rotation. Default the first. */
  primaryRegion?: string;
  /** Several regions: the one host name Okta calls in every region, e.g. `hook.example.com`. */
  domainName?: string;
  /** Several regions: the Route 53 public hosted zone that holds `domainName`. */
  hostedZoneId?: string;
  /** Several regions: the region whose health check is inverted, so Route 53 sends its sign-ins elsewhere (a drill). */
  drainRegion?: string;
  /**
   * Several regions: the global table's name. Default `okta-token-hook-<stage>-patients` (`...-by-okta-id`
   * for oktaId). Set it to an existing table's name to import that table (docs/regions.md).
   */
  patientsTableName?: string;
  /**
   * How Okta reaches the function: `httpApi` (default), an API Gateway HTTP API with throttling at the edge
   * and an access log; or `functionUrl`, a Lambda function URL (auth type NONE: the hook checks Okta
   * itself either way), which has no per-request charge, throttles by reserved concurrency only and has
   * no access log (docs/operations.md, "Front door").
   */
  frontDoor?: FrontDoor;
}

export const FRONT_DOORS = ['httpApi', 'functionUrl'] as const;
export type FrontDoor = (typeof FRONT_DOORS)[number];

export type AuthMode = 'basic' | 'oauth';

export const DEFAULT_SETTINGS = {
  authMode: 'basic',
  userKey: 'login',
  patientIdPattern: DEFAULT_PATIENT_ID_PATTERN,
  claimName: 'extPatientId',
  claimTokens: 'id',
  failureMode: 'open',
  // Okta calls the hook once for each token request it grants, and limits those per org: at most 2,000 a
  // minute on /oauth2/{authorizationServerId}/v1/token and 2,000 on .../v1/authorize (Workforce Identity;
  // 300 to 1,200 on the other plans), https://developer.okta.com/docs/reference/rl-global-enduser/ .
  // Both at once are 4,000 a minute, 67 a second: 70 lets all of Okta through and stops a caller that is
  // not Okta there, with a 429 before the function or DynamoDB is billed. An org with DynamicScale or the
  // workforce multiplier has more: raise it to match.
  throttleRateLimit: 70,
  throttleBurstLimit: 140,
  oktaAuth: 'privateKeyJwt',
  rotationDays: 30,
  // The function's own default (lambda/config.ts); the stack passes it explicitly, so the rotation
  // notice can say how long the operator has.
  rotationGraceHours: 24,
  logRetention: RetentionDays.THREE_MONTHS,
  // Point-in-time recovery reaches back 35 days: the daily recovery points cover at least as long.
  backupRetentionDays: 35,
  noTrafficAlarmHours: 24,
  frontDoor: 'httpApi',
} as const satisfies Omit<Required<TokenHookSettings>, 'stageName' | OptionalSetting>;

/** Settings that have no default: absent means "none" (no topic, no replay window, no OAuth issuer...). */
type OptionalSetting =
  | 'alarmEmail'
  | 'alarmTopicArn'
  | 'backupCopyVaultArn'
  | 'reservedConcurrency'
  | 'keyMigration'
  | 'maxEventAgeSeconds'
  | 'oauthIssuer'
  | 'oauthAudience'
  | 'oauthScope'
  | 'oauthClientId'
  | 'oktaOrgUrl'
  | 'oktaHookId'
  | 'regions'
  | 'primaryRegion'
  | 'domainName'
  | 'hostedZoneId'
  | 'drainRegion'
  | 'patientsTableName';

export type ResolvedSettings = Required<Omit<TokenHookSettings, OptionalSetting | 'reservedConcurrency'>> &
  Pick<TokenHookSettings, Exclude<OptionalSetting, 'reservedConcurrency'>> & {
    /** 0 when nothing is reserved. */
    reservedConcurrency: number;
  };

/** How long the function may take to answer (lambda/request-deadline.ts: 900 ms, and the answer itself). */
export const ANSWER_DEADLINE_SECONDS = 1;

/** The stage that must have somewhere to send its alarms. */
export const PRODUCTION_STAGE = 'prod';

/** The settings OAuth mode cannot do without: the function refuses to start without them. */
export const OAUTH_REQUIRED = ['oauthIssuer', 'oauthAudience', 'oauthScope'] as const;

/**
 * The settings with every default filled in. OAuth mode without its issuer, audience or scope stops
 * here, naming every one that is missing; their values are checked by the function's own rules later.
 */
export function resolveSettings(settings: TokenHookSettings): ResolvedSettings {
  if (settings.authMode === 'oauth') {
    const missing = OAUTH_REQUIRED.filter((key) => !settings[key]?.trim());
    if (missing.length > 0) {
      throw new SettingsError(
        `authMode "oauth" needs ${OAUTH_REQUIRED.join(', ')}; missing: ${missing.join(', ')} ` +
          `(cdk.json context or -c ${missing[0]}=...; see docs/oauth.md, "Okta set-up for OAuth")`,
      );
    }
  }
  if (settings.stageName === PRODUCTION_STAGE && !settings.alarmEmail && !settings.alarmTopicArn) {
    throw new SettingsError(
      `stage "${PRODUCTION_STAGE}" needs somewhere to send its alarms: set alarmEmail or alarmTopicArn ` +
        '(cdk.json context or -c alarmEmail=...); without one, nobody hears that sign-ins lose the claim',
    );
  }
  const throttleRateLimit = settings.throttleRateLimit ?? DEFAULT_SETTINGS.throttleRateLimit;
  const okta = checkOktaSettings(settings);
  const regions = checkRegionSettings(settings);
  return {
    stageName: settings.stageName,
    authMode: settings.authMode ?? DEFAULT_SETTINGS.authMode,
    oktaAuth: settings.oktaAuth ?? DEFAULT_SETTINGS.oktaAuth,
    userKey: settings.userKey ?? DEFAULT_SETTINGS.userKey,
    patientIdPattern: settings.patientIdPattern ?? DEFAULT_SETTINGS.patientIdPattern,
    claimName: settings.claimName ?? DEFAULT_SETTINGS.claimName,
    claimTokens: settings.claimTokens ?? DEFAULT_SETTINGS.claimTokens,
    failureMode: settings.failureMode ?? DEFAULT_SETTINGS.failureMode,
    throttleRateLimit,
    throttleBurstLimit: settings.throttleBurstLimit ?? DEFAULT_SETTINGS.throttleBurstLimit,
    rotationDays: settings.rotationDays ?? DEFAULT_SETTINGS.rotationDays,
    rotationGraceHours: settings.rotationGraceHours ?? DEFAULT_SETTINGS.rotationGraceHours,
    logRetention: settings.logRetention ?? DEFAULT_SETTINGS.logRetention,
    backupRetentionDays: settings.backupRetentionDays ?? DEFAULT_SETTINGS.backupRetentionDays,
    noTrafficAlarmHours: settings.noTrafficAlarmHours ?? DEFAULT_SETTINGS.noTrafficAlarmHours,
    frontDoor: settings.frontDoor ?? DEFAULT_SETTINGS.frontDoor,
    // Every request the stage lets through, for as long as one may take.
    reservedConcurrency: settings.reservedConcurrency ?? Math.ceil(throttleRateLimit * ANSWER_DEADLINE_SECONDS),
    ...withoutUndefined({
      backupCopyVaultArn: settings.backupCopyVaultArn || undefined,
      alarmEmail: settings.alarmEmail || undefined,
      alarmTopicArn: settings.alarmTopicArn || undefined,
      maxEventAgeSeconds: settings.maxEventAgeSeconds,
      keyMigration: settings.keyMigration || undefined,
      oauthIssuer: settings.oauthIssuer || undefined,
      oauthAudience: settings.oauthAudience || undefined,
      oauthScope: settings.oauthScope || undefined,
      oauthClientId: settings.oauthClientId || undefined,
      oktaOrgUrl: okta?.orgUrl,
      oktaHookId: okta?.hookId,
      ...regions,
    }),
  };
}

/** An Okta inline hook id: Okta's ids are 20 letters and digits (`cal...` for a hook). */
const OKTA_HOOK_ID = /^[A-Za-z0-9]{20}$/;

/**
 * The Okta settings of automatic rotation, checked: both or neither, Basic mode only, an https org URL
 * (the Okta credential goes with every request), a hook id of Okta's shape.
 */
function checkOktaSettings(settings: TokenHookSettings): { orgUrl: string; hookId: string } | undefined {
  const orgUrl = settings.oktaOrgUrl?.trim() || undefined;
  const hookId = settings.oktaHookId?.trim() || undefined;
  if (orgUrl === undefined && hookId === undefined) return undefined;
  if (settings.authMode === 'oauth') {
    throw new SettingsError('oktaOrgUrl and oktaHookId are for authMode "basic": in OAuth mode there is no Basic credential to rotate');
  }
  if (orgUrl === undefined || hookId === undefined) {
    throw new SettingsError(
      `automatic rotation needs both oktaOrgUrl and oktaHookId; missing: ${orgUrl === undefined ? 'oktaOrgUrl' : 'oktaHookId'}`,
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(orgUrl);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' || url.pathname !== '/' || url.search || url.username || url.password) {
    throw new SettingsError('"oktaOrgUrl" must be the https URL of the Okta org and nothing more, e.g. https://dev-123456.okta.com');
  }
  if (!OKTA_HOOK_ID.test(hookId)) {
    throw new SettingsError('"oktaHookId" must be the id of the inline hook in Okta: 20 letters and digits, e.g. calr0dvWvbMQJHZCM0g3');
  }
  return { orgUrl: url.origin, hookId };
}

/** The region whose stack owns what the regions share and runs the rotation: `primaryRegion`, else the first of `regions`. */
export function primaryRegionOf({ regions, primaryRegion }: Pick<TokenHookSettings, 'regions' | 'primaryRegion'>): string | undefined {
  return primaryRegion || regions?.[0];
}

/** The settings that only mean something with two regions or more. */
const SEVERAL_REGION_SETTINGS = ['primaryRegion', 'domainName', 'hostedZoneId', 'drainRegion', 'patientsTableName'] as const;

/**
 * The region settings, checked: with two regions or more, a domain and its zone, and a primary and a
 * drained region among the regions; with one or none, none of the others, which would do nothing.
 */
function checkRegionSettings(settings: TokenHookSettings): Pick<TokenHookSettings, 'regions' | (typeof SEVERAL_REGION_SETTINGS)[number]> {
  const regions = settings.regions ?? [];
  if (regions.length < 2) {
    const given = SEVERAL_REGION_SETTINGS.filter((key) => settings[key]);
    if (given.length > 0) throw new SettingsError(`${given.join(', ')} need two regions or more in "regions"`);
    return regions.length === 1 ? { regions } : {};
  }
  if (settings.frontDoor === 'functionUrl') {
    throw new SettingsError('"regions" with two regions or more needs frontDoor=httpApi: each region\'s custom domain maps an HTTP API');
  }
  const missing = (['domainName', 'hostedZoneId'] as const).filter((key) => !settings[key]);
  if (missing.length > 0) {
    throw new SettingsError(`"regions" with two regions or more needs domainName and hostedZoneId; missing: ${missing.join(', ')}`);
  }
  for (const key of ['primaryRegion', 'drainRegion'] as const) {
    const region = settings[key];
    if (region && !regions.includes(region)) throw new SettingsError(`"${key}" must be one of the regions: ${regions.join(', ')}`);
  }
  return {
    regions,
    primaryRegion: primaryRegionOf(settings) as string,
    ...withoutUndefined({
      domainName: settings.domainName,
      hostedZoneId: settings.hostedZoneId,
      drainRegion: settings.drainRegion || undefined,
      patientsTableName: settings.patientsTableName || undefined,
    }),
  };
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const CONTEXT_KEYS = [
  'stage',
  'userKey',
  'keyMigration',
  'patientIdPattern',
  'claimName',
  'claimTokens',
  'failureMode',
  'throttleRateLimit',
  'throttleBurstLimit',
  'alarmEmail',
  'alarmTopicArn',
  'noTrafficAlarmHours',
  'reservedConcurrency',
  'authMode',
  'oauthIssuer',
  'oauthAudience',
  'oauthScope',
  'oauthClientId',
  'oktaOrgUrl',
  'oktaHookId',
  'oktaAuth',
  'rotationDays',
  'rotationGraceHours',
  'maxEventAgeSeconds',
  'logRetentionDays',
  'backupRetentionDays',
  'backupCopyVaultArn',
  'regions',
  'primaryRegion',
  'domainName',
  'hostedZoneId',
  'drainRegion',
  'patientsTableName',
  'frontDoor',
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
  const authMode = oneOf(read('authMode'), ['basic', 'oauth'], 'authMode');
  const alarmEmail = read('alarmEmail');
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    throw new SettingsError('context "alarmEmail" must be an email address');
  }
  const alarmTopicArn = read('alarmTopicArn');
  if (alarmTopicArn !== undefined && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(alarmTopicArn)) {
    throw new SettingsError('context "alarmTopicArn" must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)');
  }
  const logRetentionDays = wholeNumber(read('logRetentionDays'), 'logRetentionDays', 1, 3653);
  if (logRetentionDays !== undefined && !Object.values(RetentionDays).includes(logRetentionDays)) {
    throw new SettingsError('context "logRetentionDays" must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, ...)');
  }
  return withoutUndefined({
    stageName,
    userKey: oneOf(read('userKey'), USER_KEY_KINDS, 'userKey'),
    keyMigration: flag(read('keyMigration'), 'keyMigration'),
    // Checked where the function's own checks run (HookFunction), as PATIENT_ID_PATTERN.
    patientIdPattern: read('patientIdPattern'),
    claimName: read('claimName'),
    claimTokens,
    failureMode,
    throttleRateLimit: wholeNumber(read('throttleRateLimit'), 'throttleRateLimit', 1, 10_000),
    throttleBurstLimit: wholeNumber(read('throttleBurstLimit'), 'throttleBurstLimit', 1, 5_000),
    alarmEmail,
    alarmTopicArn,
    noTrafficAlarmHours: wholeNumber(read('noTrafficAlarmHours'), 'noTrafficAlarmHours', 0, 24),
    reservedConcurrency: wholeNumber(read('reservedConcurrency'), 'reservedConcurrency', 0, 10_000),
    authMode,
    // Checked where the function's own checks run (HookFunction): the same rules as at its start-up.
    oauthIssuer: read('oauthIssuer'),
    oauthAudience: read('oauthAudience'),
    oauthScope: read('oauthScope'),
    oauthClientId: read('oauthClientId'),
    // Checked with the rest of the Okta settings in resolveSettings, for the stack's props too.
    oktaOrgUrl: read('oktaOrgUrl'),
    oktaHookId: read('oktaHookId'),
    oktaAuth: oneOf(read('oktaAuth'), OKTA_AUTH_KINDS, 'oktaAuth'),
    rotationDays: wholeNumber(read('rotationDays'), 'rotationDays', 1, 365),
    rotationGraceHours: hours(read('rotationGraceHours'), 'rotationGraceHours', 0, 720),
    maxEventAgeSeconds: wholeNumber(read('maxEventAgeSeconds'), 'maxEventAgeSeconds', 1, 86_400),
    logRetention: logRetentionDays as RetentionDays | undefined,
    backupRetentionDays: wholeNumber(read('backupRetentionDays'), 'backupRetentionDays', 1, 36_500),
    backupCopyVaultArn: backupVaultArn(read('backupCopyVaultArn'), 'backupCopyVaultArn'),
    regions: regionList(read('regions'), 'regions'),
    primaryRegion: regionList(read('primaryRegion'), 'primaryRegion', 1)?.[0],
    drainRegion: regionList(read('drainRegion'), 'drainRegion', 1)?.[0],
    domainName: matching(read('domainName'), 'domainName', DOMAIN_NAME, 'a host name such as hook.example.com'),
    hostedZoneId: matching(read('hostedZoneId'), 'hostedZoneId', HOSTED_ZONE_ID, 'a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ'),
    // DynamoDB's own rule for a table name.
    patientsTableName: matching(read('patientsTableName'), 'patientsTableName', /^[A-Za-z0-9_.-]{3,255}$/, '3 to 255 of A-Z a-z 0-9 _ . -'),
    frontDoor: oneOf(read('frontDoor'), FRONT_DOORS, 'frontDoor'),
  });
}

/** An AWS region code: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-5... */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** A DNS host name of two labels or more, lower case, no trailing dot. */
const DOMAIN_NAME = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

/** A comma-separated list of distinct region codes (`us-east-1,us-west-2`); `max` 1 for a single region. */
function regionList(value: string | undefined, key: string, max = Number.POSITIVE_INFINITY): string[] | undefined {
  if (value === undefined) return undefined;
  const regions = value.split(',').map((region) => region.trim());
  if (regions.length > max || !regions.every((region) => REGION.test(region))) {
    throw new SettingsError(`context "${key}" must be ${max === 1 ? 'a region code' : 'region codes separated by commas'}, e.g. us-east-1`);
  }
  if (new Set(regions).size < regions.length) throw new SettingsError(`context "${key}" names a region twice`);
  return regions;
}

function matching(value: string | undefined, key: string, pattern: RegExp, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (!pattern.test(value)) throw new SettingsError(`context "${key}" must be ${what}`);
  return value;
}

function backupVaultArn(value: string | undefined, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/.test(value)) {
    throw new SettingsError(`context "${key}" must be a backup vault ARN, arn:aws:backup:<region>:<account>:backup-vault:<name>`);
  }
  return value;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], key: string): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new SettingsError(`context "${key}" must be one of ${allowed.join(', ')}`);
}

function flag(value: string | undefined, key: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new SettingsError(`context "${key}" must be true or false`);
}

function wholeNumber(value: string | undefined, key: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new SettingsError(`context "${key}" must be a whole number from ${min} to ${max}`);
  }
  return number;
}

function hours(value: string | undefined, key: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max) {
    throw new SettingsError(`context "${key}" must be a number of hours from ${min} to ${max}`);
  }
  return number;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
