import { type AwsJsonCall, createAwsJsonClient } from './aws/aws-json-client.ts';
import { environmentCredentials } from './aws/aws-environment.ts';
import { createDynamoDbPatientStore } from './aws/dynamodb-patient-store.ts';
import { createSecretsManagerCredentialSource } from './aws/secrets-manager-credentials.ts';
import { createBasicCallerAuthenticator } from './auth/basic-caller.ts';
import { createLazyBearerCallerAuthenticator } from './auth/lazy-bearer-caller.ts';
import { type HookConfig, loadConfig } from './config.ts';
import type { CallerAuthenticator } from './core/ports.ts';
import { TABLE_KEY_ATTRIBUTE } from './core/user-key.ts';
import { createHookHandler, type HookHandler } from './hook.ts';
import { createJsonLogger, type Logger } from './observability/logger.ts';
import { createRequestLog, type RequestLog } from './observability/request-line.ts';

export const SERVICE_NAME = 'okta-token-hook';

export interface WiredHook {
  handle: HookHandler;
  /** Who may call; `prepare()` during init reads the Basic credential or loads the token verifier. */
  caller: CallerAuthenticator;
  log: Logger;
}

export interface WiringOverrides {
  log?: Logger;
  requests?: RequestLog;
}

/** Builds the hook from environment variables: the one place that knows which adapters run in AWS. */
export function wireHookFromEnvironment(env: Record<string, string | undefined>, overrides: WiringOverrides = {}): WiredHook {
  const config = loadConfig(env);
  const log = overrides.log ?? createJsonLogger({ level: config.logLevel, service: SERVICE_NAME });
  const requests = overrides.requests ?? createRequestLog({ service: SERVICE_NAME, functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'local' });
  const credentialsFromEnvironment = () => environmentCredentials(env);
  const store = createDynamoDbPatientStore(
    createAwsJsonClient({ service: 'dynamodb', env, credentials: credentialsFromEnvironment }),
    config.tableName,
    TABLE_KEY_ATTRIBUTE[config.userKey],
  );
  const caller = callerAuthenticator(config, () =>
    createAwsJsonClient({ service: 'secretsmanager', env, credentials: credentialsFromEnvironment }),
  );
  if ('oauth' in config.credential && config.credential.oauth.clientId === undefined) {
    log.warn('OAUTH_CLIENT_ID is not set: any client of the issuer holding the scope may call the hook');
  }
  return { handle: createHookHandler({ config, store, caller, log, requests }), caller, log };
}

function callerAuthenticator(
  { credential: setting, rotationGraceHours }: HookConfig,
  secretsManager: () => AwsJsonCall,
): CallerAuthenticator {
  if ('oauth' in setting) return createLazyBearerCallerAuthenticator(setting.oauth);
  if ('secretId' in setting) {
    const graceMs = rotationGraceHours * 60 * 60_000;
    return createBasicCallerAuthenticator(createSecretsManagerCredentialSource(secretsManager(), setting.secretId, { graceMs }));
  }
  return createBasicCallerAuthenticator({ acceptedCredentials: async () => [setting.static] });
}
