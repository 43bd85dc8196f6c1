// Benchmark-only: the AwsJsonCall port on AWS SDK v3 clients with only the two commands the hook uses,
// so bench/variants.ts can measure an SDK-bundled handler with everything else unchanged.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetSecretValueCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsCredentials, type AwsService, resolveEndpoint, resolveRegion } from '../../lambda/aws/aws-environment.ts';

// The same error type as lambda/aws/aws-json-client.ts, which lambda/ imports from the module this file stands in for.
export class AwsServiceError extends Error {
  override name = 'AwsServiceError';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface AwsJsonClientOptions {
  service: AwsService;
  env: Record<string, string | undefined>;
  credentials: () => AwsCredentials;
  maxAttempts?: number;
}

export type AwsJsonCall = <Output>(operation: string, input: object, signal: AbortSignal) => Promise<Output>;

export function createAwsJsonClient({ service, env, credentials, maxAttempts = 3 }: AwsJsonClientOptions): AwsJsonCall {
  const settings = {
    region: resolveRegion(env),
    endpoint: resolveEndpoint(service, env).href,
    maxAttempts,
    credentials: async () => credentials(),
  };
  if (service === 'dynamodb') {
    const client = new DynamoDBClient(settings);
    return async <Output>(_operation: string, input: object, signal: AbortSignal) =>
      (await client.send(new GetItemCommand(input as never), { abortSignal: signal })) as Output;
  }
  const client = new SecretsManagerClient(settings);
  return async <Output>(operation: string, input: object, signal: AbortSignal) =>
    (operation === 'BatchGetSecretValue'
      ? await client.send(new BatchGetSecretValueCommand(input as never), { abortSignal: signal })
      : await client.send(new GetSecretValueCommand(input as never), { abortSignal: signal })) as Output;
}
