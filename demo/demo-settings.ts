import { ConfigError, loadConfig } from '../lambda/config.ts';
import { basicHeaderValue } from '../lambda/core/basic-auth.ts';
import { localHookEnvironment } from '../local/local-environment.ts';
import { UsageError } from '../tools/cli/run-command.ts';
import { portSetting } from '../local/ports.ts';

/** Okta mode: the app alone, signing in through a real org. */
export interface OktaSettings {
  mode: 'okta';
  appPort: number;
  issuer: string;
  clientId: string;
  clientSecret?: string;
  claimName: string;
}

/** Local mode: the hook as `npm start` runs it, the local provider, and the app. */
export interface LocalSettings {
  mode: 'local';
  appPort: number;
  issuerPort: number;
  hookPort: number;
  /** The environment `npm start` gets: the caller's, with free ports by default. */
  hookEnv: Record<string, string | undefined>;
  /** The Authorization header the hook is configured to accept, as an Okta admin would set it. */
  hookAuthorization: string;
  claimName: string;
}

/** Okta's sample app listens on 8080; an org's sign-in redirect URI must name a fixed port. */
export const OKTA_DEFAULT_APP_PORT = 8080;

/** Reads the environment once; a bad or missing value is a UsageError naming the variable. */
export function demoSettings(env: Record<string, string | undefined>): LocalSettings | OktaSettings {
  if (env.OKTA_ISSUER || env.OKTA_CLIENT_ID) {
    if (!env.OKTA_ISSUER || !env.OKTA_CLIENT_ID)
      throw new UsageError('OKTA_ISSUER and OKTA_CLIENT_ID go together (OKTA_CLIENT_SECRET is optional)');
    if (!/^https:\/\//.test(env.OKTA_ISSUER))
      throw new UsageError(`OKTA_ISSUER must be an https URL, like https://{yourOktaDomain}/oauth2/default`);
    return {
      mode: 'okta',
      appPort: portSetting(env, 'DEMO_PORT', OKTA_DEFAULT_APP_PORT),
      issuer: env.OKTA_ISSUER.replace(/\/+$/, ''),
      clientId: env.OKTA_CLIENT_ID,
      ...(env.OKTA_CLIENT_SECRET ? { clientSecret: env.OKTA_CLIENT_SECRET } : {}),
      claimName: env.CLAIM_NAME || 'extPatientId',
    };
  }
  const hookPort = portSetting(env, 'DEMO_HOOK_PORT', 0);
  const hookEnv = { ...env, PORT: String(hookPort), DYNAMODB_PORT: env.DYNAMODB_PORT || '0' };
  let config: ReturnType<typeof loadConfig>;
  try {
    // The hook's own reading of its environment: the same claim name and credential it will use.
    config = loadConfig(localHookEnvironment(hookEnv, 'http://127.0.0.1'));
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (!('static' in config.credential)) {
    throw new UsageError(
      'npm run demo calls the local hook with a Basic credential from HOOK_USERNAME/HOOK_PASSWORD (or the local default): unset HOOK_SECRET_ID and HOOK_AUTH',
    );
  }
  return {
    mode: 'local',
    appPort: portSetting(env, 'DEMO_PORT', 0),
    issuerPort: portSetting(env, 'DEMO_ISSUER_PORT', 0),
    hookPort,
    hookEnv,
    hookAuthorization: basicHeaderValue(config.credential.static),
    claimName: config.claimName,
  };
}
