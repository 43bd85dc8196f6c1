import { HookError } from './hook-error.ts';

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
  if (exceedsDepth(value, MAX_BODY_DEPTH)) {
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

function exceedsDepth(root: object, maxDepth: number): boolean {
  const pending: Array<[unknown, number]> = [[root, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop() as [unknown, number];
    if (depth > maxDepth) return true;
    for (const child of Object.values(value as object)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}
