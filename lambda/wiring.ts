import { type AwsJsonCall, createAwsJsonClient } from './aws/aws-json-client.ts';
import { type AwsCredentials, environmentCredentials, resolveEndpoint } from './aws/aws-environment.ts';
import { createDynamoDbPatientStore } from './aws/dynamodb-patient-store.ts';
import { openConnection } from './aws/http-transport.ts';
import { createSecretsManagerCredentialSource } from './aws/secrets-manager-credentials.ts';
import { createUserHashKeySecret, type UserHashKeySecret } from './aws/user-hash-key-secret.ts';
import { createBasicCallerAuthenticator } from './auth/basic-caller.ts';
import { createLazyBearerCallerAuthenticator } from './auth/lazy-bearer-caller.ts';
import { type HookConfig, loadConfig } from './config.ts';
import type { CallerAuthenticator } from './core/ports.ts';
import { TABLE_KEY_ATTRIBUTE } from './core/patient-record.ts';
import { createHookHandler, type HookHandler } from './hook.ts';
import { createJsonLogger, type Logger, createRequestLog, type RequestLog } from './observability.ts';

export const SERVICE_NAME = 'okta-token-hook';

export interface WiredHook {
  handle: HookHandler;
  /** Who may call; `prepare()` during init reads the Basic credential or loads the token verifier. */
  caller: CallerAuthenticator;
  /**
   * During init, beside `caller.prepare()`: opens the kept-alive TLS connection to DynamoDB, so Okta's
   * first call does not wait for the handshakes. Reads nothing. Absent when the endpoint is plain HTTP
   * (a local store through AWS_ENDPOINT_URL_DYNAMODB): no TLS to save there.
   */
  openStoreConnection?: () => Promise<void>;
  log: Logger;
}

/** How long init waits for the store's connection; past it, the first request opens its own. */
const STORE_CONNECTION_TIMEOUT_MS = 500;

export interface WiringOverrides {
  log?: Logger;
  requests?: RequestLog;
}

/** Builds the hook from environment variables: the one place that knows which adapters run in AWS. */
export function wireHookFromEnvironment(env: Record<string, string | undefined>, overrides: WiringOverrides = {}): WiredHook {
  const config = loadConfig(env);
  const log = overrides.log ?? createJsonLogger({ level: config.logLevel, service: SERVICE_NAME });
  const requests = overrides.requests ?? createRequestLog({ namespace: config.metricsNamespace });
  // Read once, as the AWS SDKs read these: each read of process.env is a call into the runtime, on every request.
  let credentials: AwsCredentials | undefined;
  const credentialsFromEnvironment = () => (credentials ??= environmentCredentials(env));
  const storeEndpoint = resolveEndpoint('dynamodb', env);
  const store = createDynamoDbPatientStore(
    createAwsJsonClient({ service: 'dynamodb', env, credentials: credentialsFromEnvironment }),
    config.tableName,
    TABLE_KEY_ATTRIBUTE[config.userKey],
  );
  let secretsManager: AwsJsonCall | undefined;
  const secretsManagerClient = () =>
    (secretsManager ??= createAwsJsonClient({ service: 'secretsmanager', env, credentials: credentialsFromEnvironment }));
  const hashKey =
    config.userHashKeySecretId === undefined
      ? undefined
      : createUserHashKeySecret(secretsManagerClient(), config.userHashKeySecretId, { log });
  const caller = callerAuthenticator(config, secretsManagerClient, hashKey);
  if ('oauth' in config.credential && config.credential.oauth.clientId === undefined) {
    log.warn('OAUTH_CLIENT_ID is not set: any client of the issuer holding the scope may call the hook');
  }
  const handle = createHookHandler({ config, store, caller, log, requests, ...(hashKey ? { hashUser: hashKey.hashUser } : {}) });
  const openStoreConnection =
    storeEndpoint.protocol === 'https:' ? () => openConnection(storeEndpoint, AbortSignal.timeout(STORE_CONNECTION_TIMEOUT_MS)) : undefined;
  return { handle, caller, log, ...(openStoreConnection ? { openStoreConnection } : {}) };
}

/**
 * In Basic mode the user-hash key is read at init in the credential's own read (one BatchGetSecretValue);
 * otherwise alone, beside whatever else the caller check prepares. Either way `caller.prepare()` is init's one entry.
 */
function callerAuthenticator(
  { credential: setting, rotationGraceHours }: HookConfig,
  secretsManager: () => AwsJsonCall,
  hashKey: UserHashKeySecret | undefined,
): CallerAuthenticator {
  if ('secretId' in setting) {
    const graceMs = rotationGraceHours * 60 * 60_000;
    const readCurrentAtInit = hashKey?.readAtInitWith(setting.secretId);
    const source = createSecretsManagerCredentialSource(secretsManager(), setting.secretId, {
      graceMs,
      ...(readCurrentAtInit ? { readCurrentAtInit } : {}),
    });
    return createBasicCallerAuthenticator(source);
  }
  const caller =
    'oauth' in setting
      ? createLazyBearerCallerAuthenticator(setting.oauth)
      : createBasicCallerAuthenticator({ acceptedCredentials: async () => [setting.static] });
  if (hashKey === undefined) return caller;
  return {
    challenge: caller.challenge,
    authenticate: (header, deadline) => caller.authenticate(header, deadline),
    prepare: async () => {
      await Promise.all([caller.prepare(), hashKey.prepare()]);
    },
  };
}
