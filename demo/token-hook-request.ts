import { TOKEN_TRANSFORM_EVENT } from '../lambda/core/hook-request.ts';
import type { HookRequestBody } from '../tools/okta/request-shapes.ts';

/** What the provider knows when it is about to mint tokens: the grant, the user, the session. */
export interface TokenMint {
  /** The authorization server's issuer, Okta's `{org}/oauth2/default`. */
  issuer: string;
  /** The endpoint that is minting (Okta's `source`): the token endpoint for the code and refresh grants. */
  source: string;
  grantType: 'authorization_code' | 'refresh_token';
  client: { id: string; name: string; confidential: boolean };
  redirectUri?: string;
  scopes: readonly string[];
  user: { id: string; login: string; firstName: string; lastName: string };
  session: { id: string; authTime: number };
  nonce?: string;
  /** The access token's audience; Okta's default authorization server uses `api://default`. */
  audience: string;
  lifetimes: { id: number; access: number };
  eventId: string;
  now: Date;
  ipAddress: string;
}

/**
 * The token inline hook request Okta sends when it mints these tokens (the contract's section 2):
 * `data.identity` only when an ID token is minted (`openid`), `data.access` always, the user in
 * `data.context.user`, and each token's claims as they would be minted without the hook. Pure.
 */
export function buildTokenHookRequest(mint: TokenMint): HookRequestBody {
  const { issuer, client, user, session, scopes, now } = mint;
  const iat = Math.floor(now.getTime() / 1000);
  const has = (scope: string) => scopes.includes(scope);
  const data: HookRequestBody = {
    context: {
      request: { id: `req${mint.eventId}`, method: 'POST', url: { value: mint.source }, ipAddress: mint.ipAddress },
      protocol: {
        type: 'OAUTH2.0',
        request: {
          client_id: client.id,
          grant_type: mint.grantType,
          ...(mint.redirectUri ? { redirect_uri: mint.redirectUri } : {}),
          scope: scopes.join(' '),
        },
        issuer: { uri: issuer },
        client: { id: client.id, name: client.name, type: client.confidential ? 'CONFIDENTIAL' : 'PUBLIC' },
      },
      session: {
        id: session.id,
        userId: user.id,
        login: user.login,
        createdAt: new Date(session.authTime * 1000).toISOString(),
        status: 'ACTIVE',
        amr: ['PASSWORD'],
        mfaActive: false,
      },
      user: {
        id: user.id,
        profile: { login: user.login, firstName: user.firstName, lastName: user.lastName, locale: 'en', timeZone: 'UTC' },
      },
    },
    access: {
      claims: {
        ver: 1,
        jti: `AT.${mint.eventId}`,
        iss: issuer,
        aud: mint.audience,
        iat,
        exp: iat + mint.lifetimes.access,
        cid: client.id,
        uid: user.id,
        scp: [...scopes],
        auth_time: session.authTime,
        sub: user.login,
      },
      token: { lifetime: { expiration: mint.lifetimes.access } },
      scopes: Object.fromEntries(scopes.map((scope) => [scope, { id: `scp${scope}`, action: 'GRANT' }])),
    },
  };
  if (has('openid')) {
    data.identity = {
      claims: {
        sub: user.id,
        ...(has('profile') ? { name: `${user.firstName} ${user.lastName}`, given_name: user.firstName, family_name: user.lastName } : {}),
        ...(has('email') ? { email: user.login, email_verified: true } : {}),
        ver: 1,
        iss: issuer,
        aud: client.id,
        iat,
        exp: iat + mint.lifetimes.id,
        jti: `ID.${mint.eventId}`,
        amr: ['pwd'],
        ...(mint.nonce ? { nonce: mint.nonce } : {}),
        ...(has('profile') ? { preferred_username: user.login } : {}),
        auth_time: session.authTime,
      },
      token: { lifetime: { expiration: mint.lifetimes.id } },
    };
  }
  return {
    source: mint.source,
    eventId: mint.eventId,
    eventTime: now.toISOString(),
    eventTypeVersion: '1.0',
    cloudEventVersion: '0.1',
    contentType: 'application/json',
    eventType: TOKEN_TRANSFORM_EVENT,
    data,
  };
}
