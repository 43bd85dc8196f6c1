import { describeJsonSyntaxError } from '../json-syntax.ts';

/**
 * The few Okta Management API calls the registration needs, over plain fetch. Reads are always sent;
 * in a dry run, writes are printed (secrets masked) instead of sent.
 */
export interface OktaApi {
  readonly orgUrl: string;
  readonly dryRun: boolean;
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  /** The answer, or undefined in a dry run (nothing was sent). */
  send<T>(method: 'POST' | 'PUT', path: string, body?: unknown): Promise<T | undefined>;
}

export interface RequestOptions {
  /**
   * How errors name the request when its path holds personal data (a login): e.g.
   * `GET /api/v1/users/{login}`. Okta's error summary is left out too, as it echoes the path.
   */
  describeAs?: string;
}

/** The headers that authenticate one request (`authorization`, and `dpop` for a DPoP-bound token). */
export type OktaAuthorizer = (method: string, url: string) => Promise<Record<string, string>>;

export interface OktaApiOptions {
  /** e.g. https://dev-123456.okta.com */
  orgUrl: string;
  /**
   * The Authorization header (`SSWS <API token>` or `Bearer <access token>`), or what gives the headers
   * of each request: an access token fetched on demand, DPoP proofs bound to the method and URL.
   */
  authorization: string | OktaAuthorizer;
  dryRun?: boolean;
  /** Where a dry run prints the requests it does not send. */
  print: (text: string) => void;
  timeoutMs?: number;
  /** Times one request is sent again after a 429, waiting as Okta's rate limit headers say. */
  rateLimitRetries?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** An error answer from Okta, with its error code and summary as Okta wrote them. */
export class OktaApiError extends Error {
  override name = 'OktaApiError';
  constructor(
    readonly status: number,
    readonly request: string,
    readonly errorCode: string | undefined,
    readonly errorSummary: string | undefined,
    causes: readonly string[],
  ) {
    super(describeOktaError(status, request, errorCode, errorSummary, causes));
  }
}

const SECRET_FIELDS = new Set(['value', 'clientSecret']);
const USER_AGENT = 'okta-patient-token-hook/0.1';
export const MASK = '********';

export function createOktaApi({
  orgUrl,
  authorization,
  dryRun = false,
  print,
  timeoutMs = 10_000,
  rateLimitRetries = 3,
  fetch: fetchImpl = fetch,
  sleep = defaultSleep,
}: OktaApiOptions): OktaApi {
  const base = orgUrl.replace(/\/+$/, '');
  // Okta's limits are per org and per minute: once one answer says the window is spent, every request
  // of this client waits for the reset, not only the one that was refused.
  let pausedUntil = 0;
  async function call<T>(method: string, path: string, body?: unknown, { describeAs }: RequestOptions = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const wait = pausedUntil - Date.now();
      if (wait > 0) await sleep(wait);
      const url = `${base}${path}`;
      const credentials = typeof authorization === 'string' ? { authorization } : await authorization(method, url);
      let response: Response;
      let text: string;
      try {
        response = await fetchImpl(url, {
          method,
          headers: {
            accept: 'application/json',
            ...credentials,
            'user-agent': USER_AGENT,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        throw new Error(`cannot reach ${base}: ${describeNetworkFailure(error, timeoutMs)}`, { cause: error });
      }
      const pause = rateLimitPauseMs(response);
      if (pause !== undefined) pausedUntil = Math.max(pausedUntil, Date.now() + pause);
      // A 429 was not acted on, whatever the method: sending it again is safe.
      if (response.status === 429 && attempt < rateLimitRetries) continue;
      if (!response.ok) throw oktaError(response.status, describeAs ?? `${method} ${path}`, text, describeAs === undefined);
      return parseAnswer<T>(text, response.status, describeAs ?? `${method} ${path}`);
    }
  }
  return {
    orgUrl: base,
    dryRun,
    get: (path, options) => call('GET', path, undefined, options),
    async send(method, path, body) {
      if (!dryRun) return call(method, path, body);
      print(`would send ${method} ${base}${path}${body === undefined ? '' : `\n${JSON.stringify(maskSecrets(body), null, 2)}`}`);
      return undefined;
    },
  };
}

/**
 * Why fetch got no answer, in a word an operator can act on: the system error code (ECONNREFUSED,
 * ENOTFOUND, CERT_HAS_EXPIRED, ...) that Node.js hides under a bare "fetch failed", or the timeout.
 */
export function describeNetworkFailure(error: unknown, timeoutMs: number): string {
  if ((error as Error | undefined)?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

const MIN_RATE_LIMIT_WAIT_MS = 250;
const MAX_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * How long to hold requests after this answer: after a 429, or a last request of the window
 * (X-Rate-Limit-Remaining: 0), until Retry-After or X-Rate-Limit-Reset; undefined to go on at once.
 */
function rateLimitPauseMs(response: Response): number | undefined {
  const { headers } = response;
  const spent = response.status === 429 || headers.get('x-rate-limit-remaining') === '0';
  if (!spent) return undefined;
  const now = Date.now();
  let wait: number | undefined;
  const retryAfter = headers.get('retry-after');
  if (retryAfter) wait = /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : Date.parse(retryAfter) - now;
  const reset = Number(headers.get('x-rate-limit-reset'));
  if ((wait === undefined || Number.isNaN(wait)) && Number.isFinite(reset) && reset > 0) {
    // The reset is on Okta's clock, in whole seconds: measure it from Okta's Date header, not from ours.
    const serverNow = Date.parse(headers.get('date') ?? '');
    wait = reset * 1000 - (Number.isNaN(serverNow) ? now : serverNow);
  }
  if (wait === undefined || Number.isNaN(wait)) wait = 1000;
  return Math.min(MAX_RATE_LIMIT_WAIT_MS, Math.max(MIN_RATE_LIMIT_WAIT_MS, wait));
}

// An answer can hold a user's profile: say where it stops being JSON, never what it says.
function parseAnswer<T>(text: string, status: number, request: string): T {
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`Okta answered ${status} to ${request} with a body that is ${describeJsonSyntaxError(error, text)}`);
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A copy with the hook's secret values (`authScheme.value`, `clientSecret`) masked, for printing. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [key, SECRET_FIELDS.has(key) && typeof field === 'string' ? MASK : maskSecrets(field)]),
  );
}

function oktaError(status: number, request: string, text: string, withSummary: boolean): OktaApiError {
  let body: { errorCode?: unknown; errorSummary?: unknown; errorCauses?: unknown } = {};
  try {
    body = JSON.parse(text) ?? {};
  } catch {
    // Not JSON (a proxy or an HTML page): the status says enough.
  }
  const causes = Array.isArray(body.errorCauses)
    ? body.errorCauses.map((cause: { errorSummary?: unknown }) => String(cause?.errorSummary ?? '')).filter(Boolean)
    : [];
  return new OktaApiError(
    status,
    request,
    typeof body.errorCode === 'string' ? body.errorCode : undefined,
    withSummary && typeof body.errorSummary === 'string' ? body.errorSummary : undefined,
    withSummary ? causes : [],
  );
}

const HINTS: Record<string, string> = {
  E0000011:
    'check OKTA_API_TOKEN (or OKTA_ACCESS_TOKEN, or the Okta credential secret) and OKTA_ORG_URL: the token is wrong, expired or for another org',
  E0000005: 'the API token belongs to an admin without the permission for this call',
  E0000006: 'the API token belongs to an admin without the permission for this call',
  E0000007: 'not found: check the id (authorization server, policy, rule or hook)',
  E0000047: 'Okta rate limit: wait a minute and run again',
};

function describeOktaError(
  status: number,
  request: string,
  code: string | undefined,
  summary: string | undefined,
  causes: readonly string[],
): string {
  const what = [code, summary].filter(Boolean).join(' ') || 'no error details';
  const hint = (code && HINTS[code]) ?? (status === 429 ? HINTS.E0000047 : undefined);
  return [
    `Okta answered ${status} to ${request}: ${what}`,
    ...causes.map((cause) => `  cause: ${cause}`),
    ...(hint ? [`  hint: ${hint}`] : []),
  ].join('\n');
}
