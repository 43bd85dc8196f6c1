import type { HookRequest } from '../core/hook-request.ts';
import type { Logger } from '../observability.ts';

/**
 * Okta gets the token for each hook call from OAUTH_ISSUER. When that is the authorization server the
 * hook is attached to, minting the hook's own token can fire the hook again: Okta's docs forbid it and
 * such calls time out. Only a request shows which server fires the hook, so the first one that shows
 * the same issuer warns, once. The log line holds no URL, token or user.
 */
export function createIssuerLoopWarning(configuredIssuer: string | undefined, log: Logger): (request: HookRequest) => void {
  if (configuredIssuer === undefined) return () => {};
  const configured = comparable(configuredIssuer);
  let warned = false;
  return (request) => {
    if (warned) return;
    const firing = firingIssuer(request);
    if (firing === undefined || comparable(firing) !== configured) return;
    warned = true;
    log.warn('OAUTH_ISSUER is the authorization server that fires this hook', {
      hint: 'give the hook its own authorization server for the OAuth channel; the same one makes Okta call the hook to authenticate the hook',
    });
  };
}

function firingIssuer(request: HookRequest): string | undefined {
  const context = request.data.context as { protocol?: { issuer?: { uri?: unknown } } } | undefined;
  const uri = context?.protocol?.issuer?.uri;
  return typeof uri === 'string' ? uri : undefined;
}

function comparable(issuer: string): string {
  try {
    const url = new URL(issuer.trim());
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return issuer.trim().replace(/\/+$/, '');
  }
}
