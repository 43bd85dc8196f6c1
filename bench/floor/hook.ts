/**
 * The floor: the least a token hook can do, to measure the real one against (never deployed). It checks
 * the Basic header, parses Okta's JSON and makes one signed GetItem on a keep-alive connection; no
 * configuration check, deadline, retry, log line or metric. Built with the hook's esbuild options.
 */
import { timingSafeEqual } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { signAwsRequest } from '../../lambda/aws/sigv4.ts';

const env = process.env;
const region = env.AWS_REGION ?? 'us-east-1';
const endpoint = new URL(env.AWS_ENDPOINT_URL_DYNAMODB ?? `https://dynamodb.${region}.amazonaws.com/`);
const secure = endpoint.protocol === 'https:';
const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
const expected = Buffer.from(`Basic ${Buffer.from(`${env.HOOK_USERNAME}:${env.HOOK_PASSWORD}`).toString('base64')}`);

export async function handler(event: APIGatewayProxyEventV2) {
  const presented = Buffer.from(event.headers.authorization ?? '');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return { statusCode: 401 };
  const login: string = JSON.parse(event.body ?? '').data.context.user.profile.login.toLowerCase();
  const body = JSON.stringify({ TableName: env.PATIENTS_TABLE, Key: { username: { S: login } } });
  const headers = signAwsRequest(
    {
      method: 'POST',
      url: endpoint,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      body,
    },
    {
      service: 'dynamodb',
      region,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' },
    },
  );
  const item: { Item?: { patientId?: { S?: string } } } = await new Promise((resolve, reject) => {
    const send = secure ? httpsRequest : httpRequest;
    const request = send(endpoint, { method: 'POST', headers, agent }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve(JSON.parse(text)));
    });
    request.on('error', reject);
    request.end(body);
  });
  const patientId = item.Item?.patientId?.S;
  if (patientId === undefined) return { statusCode: 204 };
  const commands = [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: patientId }] }];
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ commands }) };
}
