import { describe, expect, it } from 'vitest';
import { signAwsRequest } from '../../lambda/aws/sigv4.ts';

// AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite): its credentials, date, region
// and service, and the Authorization header each case expects.
const SUITE = {
  service: 'service',
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
};
const AT = new Date('2015-08-30T12:36:00Z');
const SCOPE = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';
const STS_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';

const sign = (method: string, url: string, headers: Record<string, string> = {}, body = '', sessionToken?: string) =>
  signAwsRequest(
    { method, url: new URL(url), headers, body },
    { ...SUITE, credentials: { ...SUITE.credentials, ...(sessionToken ? { sessionToken } : {}) } },
    AT,
  );

describe('signAwsRequest, against the AWS SigV4 test suite', () => {
  it.each([
    [
      'get-vanilla',
      'GET',
      'https://example.amazonaws.com/',
      {},
      '',
      'host;x-amz-date',
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    ],
    [
      'post-vanilla',
      'POST',
      'https://example.amazonaws.com/',
      {},
      '',
      'host;x-amz-date',
      '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    ],
    [
      'get-vanilla-query-order-key-case',
      'GET',
      'https://example.amazonaws.com/?Param2=value2&Param1=value1',
      {},
      '',
      'host;x-amz-date',
      'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    ],
    [
      'post-x-www-form-urlencoded',
      'POST',
      'https://example.amazonaws.com/',
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      'Param1=value1',
      'content-type;host;x-amz-date',
      'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
    ],
  ] as const)('%s', (_name, method, url, headers, body, signedHeaders, signature) => {
    const signed = sign(method, url, headers, body);
    expect(signed.authorization).toBe(`AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=${signedHeaders}, Signature=${signature}`);
    expect(signed['x-amz-date']).toBe('20150830T123600Z');
  });

  it('post-sts-header-before: signs and sends the session token', () => {
    const signed = sign('POST', 'https://example.amazonaws.com/', {}, '', STS_TOKEN);
    expect(signed.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=host;x-amz-date;x-amz-security-token, ` +
        'Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead',
    );
    expect(signed['x-amz-security-token']).toBe(STS_TOKEN);
  });

  it('returns the headers to send, lower-cased, and leaves host to the HTTP client', () => {
    const signed = sign('POST', 'http://127.0.0.1:8000/', {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': 'DynamoDB_20120810.GetItem',
    });
    expect(Object.keys(signed).sort()).toStrictEqual(['authorization', 'content-type', 'x-amz-date', 'x-amz-target']);
    expect(signed.authorization).toContain('SignedHeaders=content-type;host;x-amz-date;x-amz-target,');
  });
});
