import { readFileSync } from 'node:fs';

export const REQUEST_SHAPES = ['example', 'preview', 'preview-edited', 'refresh', 'client-credentials'] as const;
export type RequestShape = (typeof REQUEST_SHAPES)[number];

// biome-ignore lint/suspicious/noExplicitAny: a request Okta sends, edited field by field as JSON; the hook's own parser checks its shape.
export type HookRequestBody = Record<string, any>;

/** Each shape is one of the Okta requests in examples/, which the tests use too: one copy of each. */
const FIXTURE_OF: Record<RequestShape, string> = {
  example: 'okta-example-patient',
  preview: 'preview-without-identity',
  'preview-edited': 'preview-edited-identity',
  refresh: 'refresh-grant',
  'client-credentials': 'client-credentials',
};

const EXAMPLES = new URL('../../examples/', import.meta.url);

/** A fresh copy of the request for a shape, for its own user or, with `user`, for that login. */
export function buildHookRequest(shape: RequestShape, user?: string): HookRequestBody {
  const request = JSON.parse(readFileSync(new URL(`${FIXTURE_OF[shape]}.json`, EXAMPLES), 'utf8')) as HookRequestBody;
  return user === undefined ? request : withUser(request, user);
}

/** True when the request names a user at all (a client-credentials grant does not). */
export function requestHasUser(request: HookRequestBody): boolean {
  const { context, identity, access } = request.data ?? {};
  return Boolean(context?.user || context?.session || identity || (access?.claims?.sub && access.claims.sub !== access.claims.cid));
}

/**
 * The same request sent for another login: every place Okta puts the login (user profile, session,
 * ID token preferred_username and email, access token sub and preferred_username) is changed.
 */
export function withUser(request: HookRequestBody, login: string): HookRequestBody {
  const copy = structuredClone(request);
  const { context, identity, access } = copy.data ?? {};
  if (context?.user?.profile) context.user.profile.login = login;
  if (context?.session) context.session.login = login;
  if (identity?.claims) {
    identity.claims.preferred_username = login;
    identity.claims.email = login;
  }
  if (access?.claims) {
    // In a client-credentials grant the subject is the client, not a user.
    if (access.claims.sub !== access.claims.cid) access.claims.sub = login;
    if ('preferred_username' in access.claims) access.claims.preferred_username = login;
  }
  return copy;
}

/** True when the request has a place the hook reads an Okta user id from (resolveUserKey with oktaId). */
export function requestHasUserId(request: HookRequestBody): boolean {
  const { context, access } = request.data ?? {};
  return (context?.user != null && 'id' in context.user) || (access?.claims != null && 'uid' in access.claims);
}

/**
 * The same request sent for another Okta user id: the user and session context, the access token's
 * uid and the ID token's sub (Okta's ID token subject is the user id), each only where the request
 * has it, so a shape never gains a field Okta would not send.
 */
export function withUserId(request: HookRequestBody, userId: string): HookRequestBody {
  const copy = structuredClone(request);
  const { context, identity, access } = copy.data ?? {};
  if (context?.user && 'id' in context.user) context.user.id = userId;
  if (context?.session && 'userId' in context.session) context.session.userId = userId;
  if (identity?.claims && 'sub' in identity.claims) identity.claims.sub = userId;
  if (access?.claims && 'uid' in access.claims) access.claims.uid = userId;
  return copy;
}
