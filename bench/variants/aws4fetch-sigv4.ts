// Benchmark-only: lambda/aws/sigv4.ts as aws4fetch's signer (global Headers + crypto.subtle), which
// the client once used; bench/variants.ts bundles it in place of the real one.
import { AwsV4Signer } from 'aws4fetch';
import type { SignableRequest, SigningScope } from '../../lambda/aws/sigv4.ts';

export async function signAwsRequest(
  request: SignableRequest,
  { service, region, credentials }: SigningScope,
): Promise<Record<string, string>> {
  const signed = await new AwsV4Signer({
    url: request.url.href,
    method: request.method,
    headers: request.headers,
    body: request.body,
    service,
    region,
    ...credentials,
  }).sign();
  return Object.fromEntries(signed.headers as unknown as Iterable<[string, string]>);
}
