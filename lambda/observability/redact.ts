const CREDENTIAL = /\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]+/gi;
const EMAIL = /[^\s"'<>(),;:]+@[^\s"'<>(),;:]+/g;
const LONG_TOKEN = /[A-Za-z0-9+/_-]{40,}={0,2}/g;

/** Masks what must never reach a log line: credentials, email-like logins, long opaque tokens. */
export function redact(text: string): string {
  return text.replace(CREDENTIAL, '$1 [redacted]').replace(EMAIL, '[email]').replace(LONG_TOKEN, '[redacted]');
}

/** A loggable description of any thrown value: its name, code and a redacted, shortened message. */
export function describeError(error: unknown): { errorName: string; errorCode?: string; errorMessage: string } {
  if (!(error instanceof Error)) return { errorName: typeof error, errorMessage: 'non-error value thrown' };
  const code = (error as { code?: unknown }).code;
  return {
    errorName: error.name,
    ...(typeof code === 'string' ? { errorCode: code } : {}),
    // JSON.parse quotes the text it choked on, which may be a secret's value or a patient's record.
    errorMessage:
      error instanceof SyntaxError ? 'unparsable input (message withheld: it quotes the input)' : redact(error.message).slice(0, 300),
  };
}
