import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, {
  type Account,
  type AccountClaims,
  type Configuration,
  errors,
  type FindAccount,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import { callTokenHook, type HookTarget } from './call-token-hook.ts';
import { readForm, redirect, sendHtml } from './http-replies.ts';
import { decideMint, type MintDecision } from './mint-decision.ts';
import type { MintReports } from './mint-reports.ts';
import { providerErrorPage, signedOutPage, signInPage, signOutPage } from './provider-pages.ts';
import { buildTokenHookRequest } from './token-hook-request.ts';
import { DEMO_USERS, type DemoUser, findUserByCredentials, findUserById } from './users.ts';

export interface LocalProviderOptions {
  /** e.g. http://127.0.0.1:4000: where this provider answers. */
  issuer: string;
  client: { id: string; secret: string; redirectUri: string; postLogoutRedirectUri: string };
  hook: HookTarget;
  /** The claims the hook may add to the ID token (its CLAIM_NAME): given to every ID token's mask. */
  hookClaims: readonly string[];
  reports: MintReports;
  /** One line per mint, without the user or any claim. */
  log: (line: string) => void;
}

export interface LocalProvider {
  provider: Provider;
  handle(request: IncomingMessage, response: ServerResponse): void;
}

/** Okta's default authorization server gives access tokens this audience. */
const ACCESS_AUDIENCE = 'api://default';
const LIFETIME_SECONDS = 3600;

/** The account, with what the hook decided for the tokens being minted in this request. */
interface MintingAccount extends Account {
  mint?: MintDecision;
}

/**
 * oidc-provider standing in for Okta's custom authorization server: Okta-like paths (/v1/authorize,
 * /v1/token, /v1/keys, /v1/logout), the demo users, and the token inline hook called at each mint.
 *
 * Where the hook runs, and why there: oidc-provider has no single "before minting" callback, so
 * - `findAccount(ctx, sub, token)` is called by the token endpoint (authorization_code and
 *   refresh_token grants) before it mints anything, with the code or refresh token: the one place that
 *   knows the grant, the user, the nonce and the session, and where throwing still mints nothing. The
 *   hook is called there, once per token request as Okta does, and its answer is judged.
 * - The ID token's claims come from that account's `claims('id_token')`: the judged claims. With the
 *   default `conformIdTokenClaims: true`, profile and email claims would go to userinfo only; Okta puts
 *   them in the ID token, hence `false`. The provider masks ID token claims by scope (`claims` config),
 *   so the hook's claim names are listed under `openid`: granted whenever an ID token is minted.
 * - `extraTokenClaims(ctx, token)` adds what the hook added to the access token (Okta's
 *   `com.okta.access.patch`); it runs between findAccount and the ID token, with the same ctx.
 * - `ttl.IdToken` / `ttl.AccessToken` apply a lifetime the hook replaced.
 * (docs/README.md of panva/node-oidc-provider: findAccount, claims, conformIdTokenClaims, extraTokenClaims, ttl.)
 */
export async function createLocalProvider(options: LocalProviderOptions): Promise<LocalProvider> {
  const { issuer, client, hook, hookClaims, reports, log } = options;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'demo', alg: 'RS256', use: 'sig' };
  const mintOf = (ctx: KoaContextWithOIDC) => (ctx.oidc.account as MintingAccount | undefined)?.mint;

  const findAccount: FindAccount = async (ctx, sub, token) => {
    const user = findUserById(sub);
    if (!user) return undefined;
    let mint: MintDecision | undefined;
    if (token && (token.kind === 'AuthorizationCode' || token.kind === 'RefreshToken')) {
      mint = await askTheHook(ctx, user, token);
      if (mint.signInError !== undefined) {
        // Okta answers the token request with error=server_error and the errorSummary as its description.
        throw new errors.CustomOIDCProviderError('server_error', mint.signInError);
      }
    }
    const account: MintingAccount = {
      accountId: user.id,
      ...(mint ? { mint } : {}),
      claims: (use) => (use === 'id_token' && mint?.idTokenClaims ? { ...mint.idTokenClaims, sub: user.id } : profileClaims(user)),
    };
    return account;
  };

  async function askTheHook(
    ctx: KoaContextWithOIDC,
    user: DemoUser,
    token: {
      kind: string;
      scope?: string | undefined;
      nonce?: string | undefined;
      authTime?: number | undefined;
      sessionUid?: string | undefined;
      redirectUri?: string | undefined;
    },
  ): Promise<MintDecision> {
    const request = buildTokenHookRequest({
      issuer,
      source: new URL(ctx.path, issuer).href,
      grantType: token.kind === 'AuthorizationCode' ? 'authorization_code' : 'refresh_token',
      client: { id: client.id, name: ctx.oidc.client?.clientName ?? client.id, confidential: ctx.oidc.client?.clientAuthMethod !== 'none' },
      ...(token.redirectUri ? { redirectUri: token.redirectUri } : {}),
      scopes: (token.scope ?? 'openid').split(' ').filter(Boolean),
      user: { id: user.id, login: user.login, firstName: user.firstName, lastName: user.lastName },
      session: { id: token.sessionUid ?? 'none', authTime: token.authTime ?? Math.floor(Date.now() / 1000) },
      ...(token.nonce ? { nonce: token.nonce } : {}),
      audience: ACCESS_AUDIENCE,
      lifetimes: { id: LIFETIME_SECONDS, access: LIFETIME_SECONDS },
      eventId: randomBytes(16).toString('base64url'),
      now: new Date(),
      ipAddress: ctx.ip,
    });
    const answer = await callTokenHook(hook, request);
    const mint = decideMint(request, answer);
    const status = answer.kind === 'answered' ? `${answer.status} in ${Math.round(answer.elapsedMs)} ms` : 'no answer';
    log(`token hook: ${status}, ${mint.verdict}`);
    if (token.nonce) reports.record(token.nonce, { verdict: mint.verdict, reasons: mint.reasons });
    return mint;
  }

  const configuration: Configuration = {
    clients: [
      {
        client_id: client.id,
        client_secret: client.secret,
        client_name: 'Patient profile demo',
        redirect_uris: [client.redirectUri],
        post_logout_redirect_uris: [client.postLogoutRedirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub', ...hookClaims],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    conformIdTokenClaims: false,
    findAccount,
    extraTokenClaims: (ctx) => mintOf(ctx)?.accessTokenExtra,
    ttl: {
      IdToken: (ctx) => mintOf(ctx)?.lifetimes.id ?? LIFETIME_SECONDS,
      AccessToken: (ctx) => mintOf(ctx)?.lifetimes.access ?? LIFETIME_SECONDS,
    },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = signOutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = signedOutPage();
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    routes: {
      authorization: '/v1/authorize',
      token: '/v1/token',
      userinfo: '/v1/userinfo',
      jwks: '/v1/keys',
      end_session: '/v1/logout',
      revocation: '/v1/revoke',
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = providerErrorPage(out);
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  async function interaction(request: IncomingMessage, response: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(request, response);
    if (details.uid !== uid) throw new errors.SessionNotFound('interaction session and URL disagree');
    const signInAction = `/interaction/${uid}/login`;
    if (request.method === 'POST' && action === 'login') {
      const form = await readForm(request);
      const login = form.get('login') ?? '';
      const user = findUserByCredentials(login, form.get('password') ?? '');
      if (!user) {
        sendHtml(
          response,
          401,
          signInPage({ action: signInAction, users: DEMO_USERS, problem: 'That username and password do not match a demo user.', login }),
        );
        return;
      }
      await provider.interactionFinished(
        request,
        response,
        { login: { accountId: user.id, amr: ['pwd'] } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (request.method !== 'GET' || action !== undefined) {
      redirect(response, `/interaction/${uid}`);
      return;
    }
    if (details.prompt.name === 'login') {
      sendHtml(response, 200, signInPage({ action: signInAction, users: DEMO_USERS }));
      return;
    }
    if (details.prompt.name === 'consent') {
      // A first-party app, as an Okta org's own app integration: consent is implied, not asked.
      const grant = details.grantId
        ? ((await provider.Grant.find(details.grantId)) ??
          new provider.Grant({ accountId: details.session?.accountId, clientId: String(details.params.client_id) }))
        : new provider.Grant({ accountId: details.session?.accountId, clientId: String(details.params.client_id) });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      const grantId = await grant.save();
      await provider.interactionFinished(request, response, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    throw new errors.InvalidRequest(`unexpected prompt ${details.prompt.name}`);
  }

  return {
    provider,
    handle(request, response) {
      const match = /^\/interaction\/([\w-]+)(?:\/(\w+))?$/.exec(new URL(request.url ?? '/', issuer).pathname);
      if (!match) {
        void callback(request, response);
        return;
      }
      interaction(request, response, match[1] as string, match[2]).catch((error: unknown) => {
        const known = error instanceof errors.OIDCProviderError;
        if (response.headersSent) return response.end();
        const out = known
          ? { error: error.error, error_description: error.error_description }
          : { error: 'server_error', error_description: 'the sign-in page failed' };
        if (!known) log(`sign-in page failed: ${(error as Error).message}`);
        sendHtml(response, known ? error.statusCode : 500, providerErrorPage(out));
      });
    },
  };
}

/** What the provider knows of a user besides the hook: Okta's profile and email claims. */
function profileClaims(user: DemoUser): AccountClaims {
  return {
    sub: user.id,
    name: `${user.firstName} ${user.lastName}`,
    given_name: user.firstName,
    family_name: user.lastName,
    preferred_username: user.login,
    email: user.login,
    email_verified: true,
  };
}
