import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Patient, SecretVersion } from './ports.ts';

// Okta's token inline hook contract, both ways: the request Okta sends and how it is checked, then the
// answers Okta takes (commands for the tokens being minted, 204, its error object, or a refusal), and the
// one request of our own: the rotation check, a token hook request Okta sends when the rotation asks it to.

export const TOKEN_TRANSFORM_EVENT = 'com.okta.oauth2.tokens.transform';
// Okta's own requests are about 6 levels deep; far deeper is hostile or broken.
export const MAX_BODY_DEPTH = 32;

// Okta has sent `null` for parts it lacked (e.g. `context.user` in some flows): null reads as absent.
type AbsentOr<Value> = Value | null | undefined;
type Loose<Shape> = Shape & { [key: string]: unknown };
type Token<Claims> = AbsentOr<Loose<{ claims?: AbsentOr<Loose<Claims>> }>>;

/** Only the fields the hook reads are typed and checked; the rest of Okta's request passes through untouched. */
export type HookRequest = Loose<{
  eventType: typeof TOKEN_TRANSFORM_EVENT;
  eventId?: string | undefined;
  eventTime?: string | undefined;
  data: Loose<{
    context?: AbsentOr<
      Loose<{ user?: AbsentOr<Loose<{ id?: AbsentOr<string>; profile?: AbsentOr<Loose<{ login?: AbsentOr<string> }>> }>> }>
    >;
    identity?: Token<{ preferred_username?: AbsentOr<string> }>;
    access?: Token<{ sub?: AbsentOr<string>; uid?: AbsentOr<string> }>;
  }>;
}>;

/** Parses and validates a token hook request body; a HookError(400) says what is wrong with it. */
export function parseHookRequest(body: string | undefined): HookRequest {
  if (body === undefined || body.trim() === '') throw new HookError(400, 'body is empty');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new HookError(400, 'body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HookError(400, 'body must be a JSON object');
  }
  if (exceedsDepth(value, MAX_BODY_DEPTH - 1)) {
    throw new HookError(400, `body is nested more than ${MAX_BODY_DEPTH} levels deep`);
  }
  checkHookRequest(value as Record<string, unknown>);
  return value as HookRequest;
}

// Plain code rather than a schema library, so a cold start builds nothing: the fields are checked in
// this order (depth first) and the first that is wrong is the one the message names.
function checkHookRequest(request: Record<string, unknown>): void {
  if (request.eventType !== TOKEN_TRANSFORM_EVENT) refuse(`eventType must be "${TOKEN_TRANSFORM_EVENT}"`);
  if (request.eventId !== undefined && typeof request.eventId !== 'string') refuse('eventId must be a string');
  if (request.eventTime !== undefined && typeof request.eventTime !== 'string') refuse('eventTime must be a string');
  const data = requiredObject(request.data, 'data');
  const user = objectOrAbsent(objectOrAbsent(data.context, 'data.context')?.user, 'data.context.user');
  stringOrAbsent(user?.id, 'data.context.user.id');
  stringOrAbsent(objectOrAbsent(user?.profile, 'data.context.user.profile')?.login, 'data.context.user.profile.login');
  const identityClaims = objectOrAbsent(objectOrAbsent(data.identity, 'data.identity')?.claims, 'data.identity.claims');
  stringOrAbsent(identityClaims?.preferred_username, 'data.identity.claims.preferred_username');
  const accessClaims = objectOrAbsent(objectOrAbsent(data.access, 'data.access')?.claims, 'data.access.claims');
  stringOrAbsent(accessClaims?.sub, 'data.access.claims.sub');
  stringOrAbsent(accessClaims?.uid, 'data.access.claims.uid');
}

function requiredObject(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined) refuse(`${field} is required`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse(`${field} must be an object`);
  return value as Record<string, unknown>;
}

function objectOrAbsent(value: unknown, field: string): Record<string, unknown> | undefined {
  return value === undefined || value === null ? undefined : requiredObject(value, field);
}

function stringOrAbsent(value: unknown, field: string): void {
  if (value !== undefined && value !== null && typeof value !== 'string') refuse(`${field} must be a string`);
}

function refuse(message: string): never {
  throw new HookError(400, message);
}

// Recursion no deeper than the limit, and no array of pending nodes: this runs on every request.
function exceedsDepth(value: object, levelsBelow: number): boolean {
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child: unknown = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && (levelsBelow === 0 || exceedsDepth(child, levelsBelow - 1))) return true;
  }
  return false;
}

export type TokenKind = 'id' | 'access';

export const PATCH_COMMAND_TYPE: Readonly<Record<TokenKind, string>> = {
  id: 'com.okta.identity.patch',
  access: 'com.okta.access.patch',
};

/** The configured tokens that this request is actually minting: Okta drops the whole patch otherwise. */
export function tokensToPatch(configured: readonly TokenKind[], request: HookRequest): TokenKind[] {
  return configured.filter((token) => (token === 'id' ? request.data.identity != null : request.data.access != null));
}

export interface PatchOperation {
  op: 'add';
  path: string;
  value: string;
}

export interface TokenCommand {
  type: string;
  value: PatchOperation[];
}

/** One `add` of the patient claim for each token being patched. */
export function buildCommands(claimName: string, patient: Patient, tokens: readonly TokenKind[]): TokenCommand[] {
  const path = `/claims/${escapeJsonPointer(claimName)}`;
  return tokens.map((token) => ({
    type: PATCH_COMMAND_TYPE[token],
    value: [{ op: 'add', path, value: patient.patientId }],
  }));
}

export function escapeJsonPointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

export type Answer = APIGatewayProxyStructuredResultV2 & { statusCode: number };

const NO_STORE = { 'cache-control': 'no-store' };
const JSON_HEADERS = { 'content-type': 'application/json', ...NO_STORE };

/** 200 with commands: Okta applies them to the tokens it is minting. */
export function commandsAnswer(commands: TokenCommand[]): Answer {
  return { statusCode: 200, headers: JSON_HEADERS, body: JSON.stringify({ commands }) };
}

/** 204: nothing to add, Okta mints the tokens unchanged. */
export function noContent(): Answer {
  return { statusCode: 204, headers: NO_STORE };
}

/** 200 with Okta's error object: Okta mints no token and shows the summary to the user. */
export function signInError(errorSummary: string): Answer {
  return { statusCode: 200, headers: JSON_HEADERS, body: JSON.stringify({ error: { errorSummary } }) };
}

/** A refusal of the call itself; the message must be safe to show to anyone. */
export function problem(statusCode: number, message: string, headers: Record<string, string> = {}): Answer {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify({ message }) };
}

/** GET /health's answer: 200 or 503 and the status alone, so a caller without a credential learns nothing more. */
export function healthAnswer(healthy: boolean): Answer {
  return { statusCode: healthy ? 200 : 503, headers: JSON_HEADERS, body: JSON.stringify({ status: healthy ? 'ok' : 'unavailable' }) };
}

/** An error whose status and message are safe to send to the caller as they are. */
export class HookError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HookError';
  }
}

// Okta writes eventTime as an ISO instant, e.g. 2019-01-15T23:20:47.000Z; Date.parse alone also takes
// looser forms ("2019", "Jan 15 2019") that no Okta request carries.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Why a request's `eventTime` is outside the replay window, or undefined when it is inside.
 * `now` is when the request arrived (API Gateway's requestContext.timeEpoch), in ms since the epoch.
 * The window is symmetric: a request from the future is as suspect as an old one.
 */
export function eventTimeProblem(eventTime: string | undefined, now: number, maxAgeSeconds: number): string | undefined {
  if (eventTime === undefined) return 'eventTime is required';
  const sent = ISO_INSTANT.test(eventTime) ? Date.parse(eventTime) : Number.NaN;
  if (!Number.isFinite(sent)) return 'eventTime must be an ISO date-time';
  if (!Number.isFinite(now)) return 'the time the request arrived is unknown';
  if (Math.abs(now - sent) > maxAgeSeconds * 1000) return `eventTime is more than ${maxAgeSeconds} seconds from now`;
  return undefined;
}

/**
 * The rotation's testSecret has Okta call the hook (Okta's execute) with a token hook request of the
 * contract whose `eventId` is this prefix and the version it checks: the one staged AWSPENDING, which
 * finishSecret will make AWSCURRENT. Okta's own calls carry an id of Okta's there, so no sign-in is ever one.
 *
 * The hook accepts AWSCURRENT, AWSPREVIOUS and AWSPENDING alike, so "the hook accepted Okta's call" alone
 * proves only that Okta holds one of them. A rotation check passes only when the caller presented exactly
 * that version's value, staged AWSPENDING; any other accepted value is refused as any wrong caller is (401),
 * so Okta's execute fails and the rotation stops before it would leave Okta sending AWSPREVIOUS.
 */
export const ROTATION_CHECK_EVENT_ID_PREFIX = 'okta-token-hook-rotation-check:';

export function rotationCheckEventId(versionId: string): string {
  return `${ROTATION_CHECK_EVENT_ID_PREFIX}${versionId}`;
}

/** The version a rotation check is for; undefined for any other request. */
export function rotationCheckVersion(request: Pick<HookRequest, 'eventId'>): string | undefined {
  const { eventId } = request;
  if (eventId === undefined || !eventId.startsWith(ROTATION_CHECK_EVENT_ID_PREFIX)) return undefined;
  return eventId.slice(ROTATION_CHECK_EVENT_ID_PREFIX.length);
}

/** Whether the caller presented the value of `versionId` while the hook accepts it as AWSPENDING. */
export function passesRotationCheck(versionId: string, presented: readonly SecretVersion[] | undefined): boolean {
  return presented?.some((version) => version.id === versionId && version.stage === 'AWSPENDING') ?? false;
}
