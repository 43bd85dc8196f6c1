import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BasicCredential } from '../../../lambda/core/basic-auth.ts';

type Stage = 'AWSCURRENT' | 'AWSPREVIOUS';

interface Version {
  id: string;
  secretString: string;
  /** ms since the epoch */
  createdAt: number;
}

export interface FakeSecretsManager {
  url: string;
  port: number;
  /** The GetSecretValue calls received, in order. */
  readonly reads: ReadonlyArray<{ secretId: string; stage: string }>;
  readsOf(stage: Stage): number;
  /** What a finished rotation leaves: the new value is AWSCURRENT, the old one AWSPREVIOUS. */
  rotate(credential: BasicCredential, createdAt?: number): void;
  close(): Promise<void>;
}

export interface FakeSecretsManagerOptions {
  secretId: string;
  credential: BasicCredential;
  /** When the current version was created, ms since the epoch. */
  createdAt?: number;
  port?: number;
}

/**
 * Just enough of Secrets Manager's JSON protocol for the hook: `POST /` with
 * `X-Amz-Target: secretsmanager.GetSecretValue`, a SigV4 Authorization header, and a body
 * `{"SecretId", "VersionStage"}`; answers as the service does, errors included (`__type`, `Message`,
 * HTTP 400) and `CreatedDate` in epoch seconds. Checked against the AWS SDK in the rotation tests.
 */
export async function startFakeSecretsManager({ secretId, credential, createdAt = Date.now(), port = 0 }: FakeSecretsManagerOptions): Promise<FakeSecretsManager> {
  const versions = new Map<Stage, Version>([['AWSCURRENT', version(credential, createdAt)]]);
  const reads: Array<{ secretId: string; stage: string }> = [];
  const server = createServer((request, response) => {
    readJson(request)
      .then((input) => answer(request, response, input))
      .catch(() => fail(response, 'SerializationException', 'the request body is not JSON'));
  });

  function answer(request: IncomingMessage, response: ServerResponse, input: Record<string, unknown>): void {
    if (!String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 Credential=')) {
      return fail(response, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      return fail(response, 'UnknownOperationException', 'Unknown operation');
    }
    const stage = typeof input.VersionStage === 'string' ? input.VersionStage : 'AWSCURRENT';
    reads.push({ secretId: String(input.SecretId), stage });
    if (input.SecretId !== secretId) return fail(response, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    const found = versions.get(stage as Stage);
    if (!found) {
      return fail(response, 'ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${stage}`);
    }
    send(response, 200, {
      ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${secretId}-AbCdEf`,
      Name: secretId,
      VersionId: found.id,
      SecretString: found.secretString,
      VersionStages: [stage],
      CreatedDate: found.createdAt / 1000,
    });
  }

  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    reads,
    readsOf: (stage) => reads.filter((read) => read.stage === stage).length,
    rotate(next, at = Date.now()) {
      versions.set('AWSPREVIOUS', versions.get('AWSCURRENT') as Version);
      versions.set('AWSCURRENT', version(next, at));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let versionCount = 0;
function version(credential: BasicCredential, createdAt: number): Version {
  versionCount++;
  return { id: `00000000-0000-4000-8000-${String(versionCount).padStart(12, '0')}`, secretString: JSON.stringify(credential), createdAt };
}

function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

function fail(response: ServerResponse, type: string, message: string): void {
  send(response, 400, { __type: type, Message: message });
}

function send(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': crypto.randomUUID() });
  response.end(JSON.stringify(body));
}
