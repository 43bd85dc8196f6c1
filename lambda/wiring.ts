import { createAwsJsonClient } from './aws/aws-json-client.ts';
import { environmentCredentials } from './aws/aws-environment.ts';
import { createDynamoDbPatientStore } from './aws/dynamodb-patient-store.ts';
import { createSecretsManagerCredentialSource } from './aws/secrets-manager-credentials.ts';
import { loadConfig } from './config.ts';
import type { CredentialSource } from './core/ports.ts';
import { createHookHandler, type HookHandler } from './hook.ts';
import { createJsonLogger, type Logger } from './observability/logger.ts';
import { createEmfMetrics, type Metrics } from './observability/metrics.ts';

export const SERVICE_NAME = 'okta-token-hook';

export interface WiredHook {
  handle: HookHandler;
  credentials: CredentialSource;
  log: Logger;
}

export interface WiringOverrides {
  log?: Logger;
  metrics?: Metrics;
}

/** Builds the hook from environment variables: the one place that knows which adapters run in AWS. */
export function wireHookFromEnvironment(env: Record<string, string | undefined>, overrides: WiringOverrides = {}): WiredHook {
  const config = loadConfig(env);
  const log = overrides.log ?? createJsonLogger({ level: config.logLevel, service: SERVICE_NAME });
  const metrics = overrides.metrics ?? createEmfMetrics({ namespace: 'OktaTokenHook', service: SERVICE_NAME });
  const credentialsFromEnvironment = () => environmentCredentials(env);
  const store = createDynamoDbPatientStore(
    createAwsJsonClient({ service: 'dynamodb', env, credentials: credentialsFromEnvironment }),
    config.tableName,
  );
  const setting = config.credential;
  const credentials: CredentialSource =
    'secretId' in setting
      ? createSecretsManagerCredentialSource(
          createAwsJsonClient({ service: 'secretsmanager', env, credentials: credentialsFromEnvironment }),
          setting.secretId,
        )
      : { acceptedCredentials: async () => [setting.static] };
  return { handle: createHookHandler({ config, store, credentials, log, metrics }), credentials, log };
}
