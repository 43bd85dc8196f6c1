import type { IncomingMessage, ServerResponse } from 'node:http';
import * as oidc from 'openid-client';
import { homePage, profilePage, signInFailedPage } from './app-pages.ts';
import { redirect, sendHtml } from './http-replies.ts';
import type { MintReport, MintReports } from './mint-reports.ts';
import { CookieStore } from './sessions.ts';

export interface WebAppOptions {
  /** Where the app answers, e.g. http://127.0.0.1:8080 (no trailing slash). */
  appUrl: string;
  issuer: string;
  clientId: string;
  /** A confidential client (Okta's "Web Application") sends it with client_secret_basic; without it, a public client with PKCE only. */
  clientSecret?: string | undefined;
  /** The claim the hook adds, shown first on the profile page. */
  claimName: string;
  /** The local provider's reports of what it did with the hook's answer. */
  reports?: MintReports;
  /** Plain-HTTP issuer (the local provider): openid-client refuses one unless told. */
  allowHttpIssuer?: boolean;
  /** Ask for a password at every sign-in, so the next sign-in can be someone else. */
  promptLogin?: boolean;
}

export interface WebApp {
  handle(request: IncomingMessage, response: ServerResponse): void;
}

interface PendingSignIn {
  codeVerifier: string;
  state: string;
  nonce: string;
}

interface SignedIn {
  claims: Record<string, unknown>;
  /** Kept for the logout request's id_token_hint; never logged or shown. */
  idToken: string;
  report?: MintReport;
}

const SCOPE = 'openid profile email';

/**
 * The relying party: Authorization Code with PKCE (S256), state and nonce, through openid-client; the
 * ID token's claims on "My profile"; sign-out through the provider's end_session_endpoint when it has one.
 */
export async function createWebApp(options: WebAppOptions): Promise<WebApp> {
  const { appUrl, claimName, reports } = options;
  const clientAuth = options.clientSecret ? oidc.ClientSecretBasic(options.clientSecret) : oidc.None();
  const config = await oidc.discovery(new URL(options.issuer), options.clientId, undefined, clientAuth, {
    ...(options.allowHttpIssuer ? { execute: [oidc.allowInsecureRequests] } : {}),
  });
  const redirectUri = `${appUrl}/callback`;
  const signedInAt = options.allowHttpIssuer ? 'the local provider' : options.issuer;
  const pending = new CookieStore<PendingSignIn>('demo_signin', 10 * 60_000);
  const sessions = new CookieStore<SignedIn>('demo_session', 60 * 60_000);

  async function signIn(response: ServerResponse): Promise<void> {
    const started: PendingSignIn = { codeVerifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce() };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(started.codeVerifier),
      code_challenge_method: 'S256',
      state: started.state,
      nonce: started.nonce,
      ...(options.promptLogin ? { prompt: 'login' } : {}),
    });
    redirect(response, url.href, { 'set-cookie': pending.put(started) });
  }

  async function callback(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = pending.get(request);
    const clearPending = pending.remove(request);
    if (!started) {
      sendHtml(
        response,
        400,
        signInFailedPage({ error: 'invalid_request', description: 'This sign-in was not started here, or it took too long. Start again.' }),
        { 'set-cookie': clearPending },
      );
      return;
    }
    try {
      const tokens = await oidc.authorizationCodeGrant(config, new URL(request.url ?? '/', appUrl), {
        pkceCodeVerifier: started.codeVerifier,
        expectedState: started.state,
        expectedNonce: started.nonce,
        idTokenExpected: true,
      });
      const report = reports?.take(started.nonce);
      const session = sessions.put({ claims: { ...tokens.claims() }, idToken: tokens.id_token as string, ...(report ? { report } : {}) });
      redirect(response, '/profile', { 'set-cookie': [clearPending, session] });
    } catch (error) {
      reports?.take(started.nonce);
      sendHtml(response, 401, signInFailedPage(describeFailure(error)), { 'set-cookie': clearPending });
    }
  }

  function signOut(request: IncomingMessage, response: ServerResponse): void {
    const session = sessions.get(request);
    const cleared = sessions.remove(request);
    const endSession = config.serverMetadata().end_session_endpoint;
    if (session && endSession) {
      const url = oidc.buildEndSessionUrl(config, { id_token_hint: session.idToken, post_logout_redirect_uri: `${appUrl}/` });
      redirect(response, url.href, { 'set-cookie': cleared });
    } else {
      redirect(response, '/', { 'set-cookie': cleared });
    }
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { pathname } = new URL(request.url ?? '/', appUrl);
    const route = `${request.method} ${pathname}`;
    if (route === 'GET /') return sendHtml(response, 200, homePage({ signedIn: sessions.get(request) !== undefined, signedInAt }));
    if (route === 'GET /login') return signIn(response);
    if (route === 'GET /callback') return callback(request, response);
    if (route === 'POST /logout') return signOut(request, response);
    if (route === 'GET /profile') {
      const session = sessions.get(request);
      if (!session) return redirect(response, '/');
      return sendHtml(
        response,
        200,
        profilePage({ claims: session.claims, claimName, signedInAt, ...(session.report ? { report: session.report } : {}) }),
      );
    }
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
  }

  return {
    handle(request, response) {
      route(request, response).catch(() => {
        if (!response.headersSent)
          sendHtml(
            response,
            500,
            signInFailedPage({ error: 'server_error', description: 'The demo app failed; its terminal may say more.' }),
          );
        else response.end();
      });
    },
  };
}

/** The OAuth error and description the provider sent (at the callback or from the token endpoint), else openid-client's own check. */
function describeFailure(error: unknown): { error: string; description?: string } {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    return { error: error.error, ...(error.error_description ? { description: error.error_description } : {}) };
  }
  return { error: 'sign-in failed', description: (error as Error).message };
}
