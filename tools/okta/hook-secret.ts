import { parseBasicCredentialSecret } from '../../lambda/aws/secrets-manager-credentials.ts';
import { basicHeaderValue, decodeBasicHeader } from '../../lambda/core/basic-auth.ts';

/** Reads a secret's current string; the default goes to Secrets Manager with the SDK's credential chain. */
export type SecretReader = (secretId: string) => Promise<string | undefined>;

/** The `Basic ...` value Okta must send, from the hook's secret `{"username", "password"}`. */
export async function basicValueFromSecret(secretId: string, read: SecretReader = readFromSecretsManager): Promise<string> {
  return basicHeaderValue(parseBasicCredentialSecret(await read(secretId)));
}

/**
 * Okta sends the Authentication secret as the whole header value, so it must carry the scheme: the
 * step done wrong most often is pasting the base64 alone, or `username:password`.
 */
export function checkBasicValue(value: string): string {
  if (!decodeBasicHeader(value)) {
    throw new Error('the Authorization value must be the whole header Okta sends: "Basic " and the base64 of username:password');
  }
  return value;
}

async function readFromSecretsManager(secretId: string): Promise<string | undefined> {
  // Loaded only for --secret-id: the rest of the tool needs no AWS SDK.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const region = /^arn:[^:]+:secretsmanager:([^:]+):/.exec(secretId)?.[1];
  const client = new SecretsManagerClient(region ? { region } : {});
  try {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }));
    return output.SecretString;
  } finally {
    client.destroy();
  }
}
