// Benchmark-only: the same client, but its module (signing, HTTP transport, node:http/https) loaded on
// the first call instead of at import. bench/variants.ts measures what that moves from init to the
// first request.
import type { AwsJsonCall, AwsJsonClientOptions } from '../../lambda/aws/aws-json-client.ts';

export type { AwsJsonCall, AwsJsonClientOptions };

export function createAwsJsonClient(options: AwsJsonClientOptions): AwsJsonCall {
  let client: Promise<AwsJsonCall> | undefined;
  return async <Output>(operation: string, input: object, signal: AbortSignal): Promise<Output> => {
    client ??= import('../../lambda/aws/aws-json-client.ts').then((module) => module.createAwsJsonClient(options));
    return (await client)<Output>(operation, input, signal);
  };
}
