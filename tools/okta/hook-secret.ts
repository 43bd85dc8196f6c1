import { parseBasicCredentialSecret } from '../../lambda/aws/secrets-manager-credentials.ts';
import { type BasicCredential, basicHeaderValue, decodeBasicHeader } from '../../lambda/core/basic-auth.ts';

/** Reads one version of a secret's string; the default goes to Secrets Manager ({@link readSecretString}). */
export type SecretReader = (secretId: string, versionStage: string) => Promise<string | undefined>;

export interface HookSecretOptions {
  /** AWSCURRENT unless given: AWSPREVIOUS is the value Okta may still send during the grace after a rotation. */
  versionStage?: string | undefined;
  read?: SecretReader | undefined;
}

/**
 * The hook's Basic credential from its secret `{"username", "password"}`, by secret name or ARN: what
 * `npm run okta:secret`, `okta:register` and `preview` all read.
 */
export async function readHookCredential(
  secretId: string,
  { versionStage = 'AWSCURRENT', read = readSecretString }: HookSecretOptions = {},
): Promise<BasicCredential> {
  return parseBasicCredentialSecret(await read(secretId, versionStage));
}

/** The `Basic ...` value Okta must send, from the hook's secret. */
export async function basicValueFromSecret(secretId: string, options: HookSecretOptions = {}): Promise<string> {
  return basicHeaderValue(await readHookCredential(secretId, options));
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

/** The region in a Secrets Manager ARN (`arn:<partition>:secretsmanager:<region>:...`); none for a name. */
export function regionOfSecretArn(secretId: string): string | undefined {
  return /^arn:[^:]+:secretsmanager:([^:]+):/.exec(secretId)?.[1];
}

/**
 * One version of the secret's string from Secrets Manager, with the SDK's default credential chain. The
 * region is the ARN's when given one, so an ARN works whatever the default region; else the default chain's.
 */
export async function readSecretString(secretId: string, versionStage = 'AWSCURRENT'): Promise<string | undefined> {
  // Loaded only when a secret is read: the rest of the tools need no AWS SDK.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const region = regionOfSecretArn(secretId);
  const client = new SecretsManagerClient(region ? { region } : {});
  try {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: versionStage }));
    return output.SecretString;
  } catch (error) {
    // The SDK says only "Region is missing": a secret name carries none, and no profile or variable gave one.
    if ((error as Error).message === 'Region is missing') {
      throw new Error(
        "Region is missing: give the secret's ARN (it names its region), or set AWS_REGION (or AWS_PROFILE to a profile with a region)",
      );
    }
    throw error;
  } finally {
    client.destroy();
  }
}
