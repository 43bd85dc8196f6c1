/** WWW-Authenticate values of a 401: the scheme and realm only, never which check failed. */
export const BASIC_CHALLENGE = 'Basic realm="okta-token-hook", charset="UTF-8"';
export const BEARER_CHALLENGE = 'Bearer realm="okta-token-hook"';
