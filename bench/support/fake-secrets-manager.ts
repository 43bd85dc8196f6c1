import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SecretsManagerCall {
  /** Date.now() when the call arrived. */
  at: number;
  versionStage: string;
}

export interface FakeSecretsManager {
  endpoint: string;
  /** The signed GetSecretValue calls received so far. */
  calls(): readonly SecretsManagerCall[];
  close(): Promise<void>;
}

/**
 * Secrets Manager's GetSecretValue on 127.0.0.1, for a cold start that reads the hook credential at
 * init as it does in AWS. It refuses anything but a SigV4-signed GetSecretValue, answers AWSCURRENT
 * with the secret and AWSPREVIOUS as a never-rotated secret does (ResourceNotFoundException), after
 * `delayMs`.
 */
export async function startFakeSecretsManager(secret: { username: string; password: string }, delayMs = 0): Promise<FakeSecretsManager> {
  const calls: SecretsManagerCall[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (status: number, body: object) =>
        setTimeout(() => {
          response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify(body));
        }, delayMs);
      const signed = String(request.headers.authorization).startsWith('AWS4-HMAC-SHA256 Credential=');
      const target = request.headers['x-amz-target'];
      if (!signed || target !== 'secretsmanager.GetSecretValue') {
        answer(400, { __type: 'ValidationException', message: `not a signed GetSecretValue: ${String(target)}` });
        return;
      }
      let input: { VersionStage?: string } = {};
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof input;
      } catch {
        // Counted below as a call with no stage; the answer is the current version, as AWS's default.
      }
      const versionStage = input.VersionStage ?? 'AWSCURRENT';
      calls.push({ at: Date.now(), versionStage });
      if (versionStage !== 'AWSCURRENT') {
        answer(400, { __type: 'com.amazonaws.secretsmanager#ResourceNotFoundException', message: `no ${versionStage} version` });
        return;
      }
      answer(200, {
        Name: 'bench-hook-secret',
        SecretString: JSON.stringify(secret),
        VersionStages: ['AWSCURRENT'],
        CreatedDate: Math.floor(Date.now() / 1000) - 86_400,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
