/**
 * The few Okta Management API calls the registration needs, over plain fetch. Reads are always sent;
 * in a dry run, writes are printed (secrets masked) instead of sent.
 */
export interface OktaApi {
  readonly orgUrl: string;
  readonly dryRun: boolean;
  get<T>(path: string): Promise<T>;
  /** The answer, or undefined in a dry run (nothing was sent). */
  send<T>(method: 'POST' | 'PUT', path: string, body?: unknown): Promise<T | undefined>;
}

export interface OktaApiOptions {
  /** e.g. https://dev-123456.okta.com */
  orgUrl: string;
  /** The Authorization header: `SSWS <API token>` or `Bearer <access token>`. */
  authorization: string;
  dryRun?: boolean;
  /** Where a dry run prints the requests it does not send. */
  print: (text: string) => void;
  timeoutMs?: number;
  fetch?: typeof fetch;
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
export const MASK = '********';

export function createOktaApi({ orgUrl, authorization, dryRun = false, print, timeoutMs = 10_000, fetch: fetchImpl = fetch }: OktaApiOptions): OktaApi {
  const base = orgUrl.replace(/\/+$/, '');
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetchImpl(`${base}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        authorization,
        'user-agent': 'okta-patient-token-hook-register/0.1',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw oktaError(response.status, `${method} ${path}`, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    orgUrl: base,
    dryRun,
    get: (path) => call('GET', path),
    async send(method, path, body) {
      if (!dryRun) return call(method, path, body);
      print(`would send ${method} ${base}${path}${body === undefined ? '' : `\n${JSON.stringify(maskSecrets(body), null, 2)}`}`);
      return undefined;
    },
  };
}

/** A copy with the hook's secret values (`authScheme.value`, `clientSecret`) masked, for printing. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [key, SECRET_FIELDS.has(key) && typeof field === 'string' ? MASK : maskSecrets(field)]),
  );
}

function oktaError(status: number, request: string, text: string): OktaApiError {
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
    typeof body.errorSummary === 'string' ? body.errorSummary : undefined,
    causes,
  );
}

const HINTS: Record<string, string> = {
  E0000011: 'check OKTA_API_TOKEN (or OKTA_ACCESS_TOKEN) and OKTA_ORG_URL: the token is wrong, expired or for another org',
  E0000005: 'the API token belongs to an admin without the permission for this call',
  E0000006: 'the API token belongs to an admin without the permission for this call',
  E0000007: 'not found: check the id (authorization server, policy, rule or hook)',
  E0000047: 'Okta rate limit: wait a minute and run again',
};

function describeOktaError(status: number, request: string, code: string | undefined, summary: string | undefined, causes: readonly string[]): string {
  const what = [code, summary].filter(Boolean).join(' ') || 'no error details';
  const hint = (code && HINTS[code]) ?? (status === 429 ? HINTS.E0000047 : undefined);
  return [
    `Okta answered ${status} to ${request}: ${what}`,
    ...causes.map((cause) => `  cause: ${cause}`),
    ...(hint ? [`  hint: ${hint}`] : []),
  ].join('\n');
}
