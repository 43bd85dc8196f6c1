import { HEALTH_PATH } from '../lambda/config.ts';
import { basicHeaderValue } from '../lambda/core/basic-auth.ts';
import { LOCAL_DEFAULTS } from '../tools/cli/local-target.ts';

/**
 * What `npm start` prints once it answers: where, which store, and how to call it. The password is
 * shown only when it is the published local default: one from the environment or a secret may be real,
 * and a terminal's output ends up in scrollback, screen shares and CI logs.
 */
export function startBanner(env: Record<string, string | undefined>, url: string, store: string): string[] {
  const lines = [
    `Okta token hook listening on ${url}`,
    `Patients store: ${store}, table ${env.PATIENTS_TABLE} keyed by ${env.USER_KEY === 'oktaId' ? 'Okta user id' : 'login'}`,
  ];
  let authorization: string;
  if (env.HOOK_AUTH === 'oauth') {
    authorization = 'Bearer <access token>';
    lines.push(`Callers need an access token from ${env.OAUTH_ISSUER} for ${env.OAUTH_AUDIENCE} with scope ${env.OAUTH_SCOPE}`);
  } else if (env.HOOK_SECRET_ID) {
    authorization = 'Basic <base64 of username:password>';
    lines.push('Credential: the one in the secret named by HOOK_SECRET_ID (not shown)');
  } else if (env.HOOK_PASSWORD === LOCAL_DEFAULTS.HOOK_PASSWORD) {
    authorization = basicHeaderValue({ username: env.HOOK_USERNAME ?? '', password: env.HOOK_PASSWORD });
    lines.push(`Credential: ${env.HOOK_USERNAME} / ${env.HOOK_PASSWORD}, the local default  (authorization: ${authorization})`);
  } else {
    authorization = `Basic <base64 of ${env.HOOK_USERNAME}:password>`;
    lines.push(`Credential: ${env.HOOK_USERNAME} and the password in HOOK_PASSWORD, from the environment (not shown)`);
  }
  lines.push(
    'Try it:',
    `  curl -i ${url} -H 'authorization: ${authorization}' -H 'content-type: application/json' --data @examples/okta-example-patient.json`,
    `  curl -i ${new URL(HEALTH_PATH, url).href}   (the health check: no credential; 503 while the store does not answer)`,
  );
  return lines;
}
