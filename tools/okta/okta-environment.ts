import { UsageError } from '../cli/run-command.ts';

/** The org and the Management API credential, from OKTA_ORG_URL and OKTA_API_TOKEN or OKTA_ACCESS_TOKEN. */
export function oktaApiFromEnvironment(env: Record<string, string | undefined>): { orgUrl: string; authorization: string } {
  const orgUrl = env.OKTA_ORG_URL;
  if (!orgUrl) throw new UsageError('OKTA_ORG_URL is required, e.g. https://dev-123456.okta.com');
  let url: URL;
  try {
    url = new URL(orgUrl);
  } catch {
    throw new UsageError('OKTA_ORG_URL must be a URL, e.g. https://dev-123456.okta.com');
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:')) {
    throw new UsageError('OKTA_ORG_URL must be https: the API token goes with every request');
  }
  if (env.OKTA_API_TOKEN) return { orgUrl: url.origin, authorization: `SSWS ${env.OKTA_API_TOKEN}` };
  if (env.OKTA_ACCESS_TOKEN) return { orgUrl: url.origin, authorization: `Bearer ${env.OKTA_ACCESS_TOKEN}` };
  throw new UsageError('OKTA_API_TOKEN (an API token) or OKTA_ACCESS_TOKEN (an OAuth access token for the Management API) is required');
}
