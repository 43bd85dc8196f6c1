import { randomUUID } from 'node:crypto';
import { type BasicCredential, basicHeaderValue } from '../core/basic-auth.ts';
import { rotationCheckEventId, TOKEN_TRANSFORM_EVENT } from '../core/hook-request.ts';
import { type InlineHook, withHeaderSecret } from '../okta/inline-hook.ts';
import { createOktaApi, type OktaApi, OktaApiError } from '../okta/management-api.ts';
import { createOktaAuthorizer, type OktaAuthKind, type OktaServiceCredential } from '../okta/service-app.ts';

/** The inline hook in Okta whose header secret the rotation sets, and the client that reaches it. */
export interface OktaHookTarget {
  api: OktaApi;
  hookId: string;
  /** How many times testSecret asks Okta to execute the hook before it gives up. Default 3. */
  executeAttempts?: number;
  /**
   * The wait between those attempts. Longer than the hook's own interval between looks for a new
   * AWSPENDING version (PENDING_CHECK_INTERVAL_MS, 5 s): an instance that looked just before setSecret
   * looks again before the next attempt. Default 6 s.
   */
  executeRetryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** The clock each execute attempt's eventTime is read from. */
  now?: () => number;
}

/** What the rotation function reads from its environment to reach Okta. */
export interface OktaRotationEnvironment {
  orgUrl: string;
  hookId: string;
  credentialSecretId: string;
  auth?: OktaAuthKind;
}

const EXECUTE_ATTEMPTS = 3;
const EXECUTE_RETRY_DELAY_MS = 6_000;

/**
 * OKTA_ORG_URL (https), OKTA_HOOK_ID and OKTA_CREDENTIAL_SECRET_ID, and OKTA_AUTH (privateKeyJwt or
 * apiToken) when set. The stack sets all four; a missing one stops the step with a message naming it.
 */
export function oktaRotationEnvironment(env: Record<string, string | undefined>): OktaRotationEnvironment {
  const need = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new Error(`${name} is not set: the rotation function cannot update Okta without it`);
    return value;
  };
  const orgUrl = need('OKTA_ORG_URL');
  let url: URL;
  try {
    url = new URL(orgUrl);
  } catch {
    throw new Error('OKTA_ORG_URL must be a URL, e.g. https://dev-123456.okta.com');
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:')) throw new Error('OKTA_ORG_URL must be https');
  const auth = env.OKTA_AUTH?.trim() || undefined;
  if (auth !== undefined && auth !== 'privateKeyJwt' && auth !== 'apiToken') throw new Error('OKTA_AUTH must be privateKeyJwt or apiToken');
  return {
    orgUrl: url.origin,
    hookId: need('OKTA_HOOK_ID'),
    credentialSecretId: need('OKTA_CREDENTIAL_SECRET_ID'),
    ...(auth ? { auth } : {}),
  };
}

/** A Management API client for the credential. Writes are sent (no dry run); nothing is printed. */
export function oktaHookTarget(
  settings: Pick<OktaRotationEnvironment, 'orgUrl' | 'hookId'>,
  credential: OktaServiceCredential,
  options: Partial<OktaHookTarget> & { fetch?: typeof fetch } = {},
): OktaHookTarget {
  const { fetch: fetchImpl, ...rest } = options;
  const api = createOktaApi({
    orgUrl: settings.orgUrl,
    authorization: createOktaAuthorizer(credential, { orgUrl: settings.orgUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) }),
    print: () => undefined,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  return { api, hookId: settings.hookId, ...rest };
}

/** Gives the hook in Okta this credential as its `Authorization: Basic ...` header secret. Safe to repeat. */
export async function setHookCredential(target: OktaHookTarget, credential: BasicCredential): Promise<void> {
  const path = hookPath(target);
  const hook = await target.api.get<InlineHook>(path);
  await target.api.send('PUT', path, withHeaderSecret(hook, basicHeaderValue(credential)));
}

/**
 * Has Okta call the hook through its channel, with the header secret Okta holds, as a rotation check for
 * `versionId` (core/hook-request.ts), and resolves only when the hook passed it: Okta holds exactly that
 * version's value. The hook answers a pass with 200 `{"commands":[]}`, a valid empty answer of the contract.
 *
 * Okta documents that execute "returns a response if it matches the correct data contract", otherwise 400
 * ("Error while invoking inline hook"), which is also its answer when the hook answered an error status
 * (our 401) or did not answer in 3 s, after one retry of its own. Not confirmed: the status Okta passes a
 * hook's 200 back with, and what it makes of a 204 with no body. So any 2xx passes whose body, if any, is
 * an answer of the contract without an `error`; a 400 is tried again after a wait (a hook instance may not
 * have seen the new AWSPENDING version yet), with a fresh eventTime, so a hook with a small
 * MAX_EVENT_AGE_SECONDS does not find the retry stale; anything else (Okta refusing our own credential,
 * 404 for the hook) fails at once.
 */
export async function executeHook(target: OktaHookTarget, versionId: string): Promise<void> {
  const { executeAttempts = EXECUTE_ATTEMPTS, executeRetryDelayMs = EXECUTE_RETRY_DELAY_MS, sleep = defaultSleep, now = Date.now } = target;
  for (let attempt = 1; ; attempt++) {
    let answer: unknown;
    try {
      answer = await target.api.send('POST', `${hookPath(target)}/execute`, rotationCheckRequest(target.api.orgUrl, versionId, now()));
    } catch (error) {
      const refusedByHook = error instanceof OktaApiError && error.status === 400;
      if (!refusedByHook || attempt >= executeAttempts) throw error;
      await sleep(executeRetryDelayMs);
      continue;
    }
    if (!isTokenHookAnswer(answer))
      throw new Error("Okta's execute answered with a body that is not a token hook answer (an object with a commands list and no error)");
    return;
  }
}

/**
 * A token hook request of the contract, marked as the rotation check for `versionId` by its eventId, that
 * mints no token the hook patches: a client-credentials grant with no user. The hook authenticates it,
 * then answers it without reading the patients table: the check proves the credential, no patient data.
 */
export function rotationCheckRequest(orgUrl: string, versionId: string, now: number): Record<string, unknown> {
  const issuer = `${orgUrl}/oauth2/default`;
  return {
    source: `${issuer}/v1/token`,
    eventId: rotationCheckEventId(versionId),
    eventTime: new Date(now).toISOString(),
    eventTypeVersion: '1.0',
    cloudEventVersion: '0.1',
    contentType: 'application/json',
    eventType: TOKEN_TRANSFORM_EVENT,
    data: {
      context: {
        request: { id: `rotation-check-${randomUUID()}`, method: 'POST', url: { value: `${issuer}/v1/token` } },
        protocol: {
          type: 'OAUTH2.0',
          request: { grant_type: 'client_credentials', scope: 'okta-token-hook.rotation-check' },
          issuer: { uri: issuer },
        },
      },
    },
  };
}

/** Nothing (an empty 2xx), or a JSON object with no `error` whose `commands`, if any, is a list. */
function isTokenHookAnswer(body: unknown): boolean {
  if (body === undefined) return true;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { commands, error } = body as Record<string, unknown>;
  return error === undefined && (commands === undefined || Array.isArray(commands));
}

function hookPath(target: OktaHookTarget): string {
  return `/api/v1/inlineHooks/${encodeURIComponent(target.hookId)}`;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
