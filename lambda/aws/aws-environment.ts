export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type AwsService = 'dynamodb' | 'secretsmanager';

// The standard service-specific variable names (AWS SDKs and CLI: "service-specific endpoints").
const ENDPOINT_VARIABLE: Record<AwsService, string> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  secretsmanager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
};

export function resolveRegion(env: Record<string, string | undefined>): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}

/** The service endpoint, honouring AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL as the SDKs do. */
export function resolveEndpoint(service: AwsService, env: Record<string, string | undefined>): URL {
  const configured = env[ENDPOINT_VARIABLE[service]] || env.AWS_ENDPOINT_URL;
  if (configured) return new URL(configured);
  const region = resolveRegion(env);
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://${service}.${region}.${suffix}/`);
}

/**
 * Credentials from the environment, which is where Lambda puts the execution role's, for the life of
 * the execution environment.
 */
export function environmentCredentials(env: Record<string, string | undefined>): AwsCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw Object.assign(new Error('no AWS credentials in the environment'), { code: 'CredentialsMissing' });
  }
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}
