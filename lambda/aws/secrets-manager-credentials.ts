import type { BasicCredential } from '../core/basic-auth.ts';
import type { CredentialSource } from '../core/ports.ts';
import type { AwsJsonCall } from './aws-json-client.ts';

const FETCH_TIMEOUT_MS = 1500;

/**
 * The hook's Basic credential from a Secrets Manager secret `{"username": ..., "password": ...}`,
 * read once and kept. A failed read is not kept: the next request tries again (and gets 401 meanwhile).
 */
export function createSecretsManagerCredentialSource(call: AwsJsonCall, secretId: string): CredentialSource {
  let cached: Promise<readonly BasicCredential[]> | undefined;
  const load = async (): Promise<readonly BasicCredential[]> => {
    const output = await call<{ SecretString?: string }>(
      'GetSecretValue',
      { SecretId: secretId, VersionStage: 'AWSCURRENT' },
      AbortSignal.timeout(FETCH_TIMEOUT_MS),
    );
    return [parseBasicCredentialSecret(output.SecretString)];
  };
  return {
    acceptedCredentials() {
      cached ??= load().catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return cached;
    },
  };
}

export function parseBasicCredentialSecret(secretString: string | undefined): BasicCredential {
  let value: unknown;
  try {
    value = JSON.parse(secretString ?? '');
  } catch {
    throw new Error('the hook secret is not JSON');
  }
  const { username, password } = (value ?? {}) as Partial<Record<string, unknown>>;
  if (typeof username !== 'string' || !username || username.includes(':') || typeof password !== 'string' || !password) {
    throw new Error('the hook secret must be {"username": "...", "password": "..."} with no ":" in the username');
  }
  return { username, password };
}
