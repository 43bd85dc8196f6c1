export interface HookReply {
  status: number;
  statusText: string;
  body: string;
  /** From sending to the last byte of the body: what Okta's 3 s limit measures. */
  elapsedMs: number;
}

/** Longer than Okta waits, so a slow answer can still be shown and judged. */
export const SEND_TIMEOUT_MS = 10_000;

/** POSTs a token hook request as Okta does: JSON, the configured Authorization header, no redirects. */
export async function sendHookRequest(url: string, authorization: string, body: string, timeoutMs = SEND_TIMEOUT_MS): Promise<HookReply> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, statusText: response.statusText, body: text, elapsedMs: performance.now() - started };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new Error(`no answer from ${url} within ${timeoutMs / 1000} s`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`no answer from ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
}
