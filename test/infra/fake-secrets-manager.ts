import { randomInt, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that speaks Secrets Manager's JSON 1.1 protocol for one secret, enough of it for
 * single-user rotation: versions, staging labels, GetRandomPassword. The real SDK client talks to it.
 */
export interface FakeSecretsManager {
  endpoint: string;
  arn: string;
  /** What Secrets Manager does before calling createSecret: a new version id staged AWSPENDING, no value. */
  startRotation(): string;
  versions: Map<string, { stages: string[]; secretString?: string }>;
  rotationEnabled: boolean;
  /** Every call, in order: the operation and its input. */
  calls: { operation: string; input: Record<string, unknown> }[];
  close(): Promise<void>;
}

const LETTERS_AND_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

class ServiceError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

export async function startFakeSecretsManager(initialSecretString: string): Promise<FakeSecretsManager> {
  const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:OktaHookCredential-AbCdEf';
  const versions = new Map<string, { stages: string[]; secretString?: string }>([
    [randomUUID(), { stages: ['AWSCURRENT'], secretString: initialSecretString }],
  ]);
  const calls: FakeSecretsManager['calls'] = [];
  const fake = { rotationEnabled: true };

  const versionWith = (input: Record<string, unknown>) => {
    const versionId = input.VersionId as string | undefined;
    const stage = (input.VersionStage as string | undefined) ?? (versionId ? undefined : 'AWSCURRENT');
    for (const [id, version] of versions) {
      if ((versionId === undefined || id === versionId) && (stage === undefined || version.stages.includes(stage))) {
        if (version.secretString === undefined) break;
        return { id, version };
      }
    }
    throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value.");
  };

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    DescribeSecret: () => ({
      ARN: arn,
      Name: 'OktaHookCredential',
      RotationEnabled: fake.rotationEnabled,
      VersionIdsToStages: Object.fromEntries([...versions].map(([id, version]) => [id, [...version.stages]])),
    }),
    GetSecretValue: (input) => {
      const { id, version } = versionWith(input);
      return { ARN: arn, VersionId: id, SecretString: version.secretString, VersionStages: version.stages };
    },
    GetRandomPassword: (input) => {
      const alphabet = LETTERS_AND_DIGITS + (input.ExcludePunctuation ? '' : PUNCTUATION);
      const length = (input.PasswordLength as number | undefined) ?? 32;
      return { RandomPassword: Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('') };
    },
    PutSecretValue: (input) => {
      const id = input.ClientRequestToken as string;
      const stages = (input.VersionStages as string[] | undefined) ?? ['AWSCURRENT'];
      for (const version of versions.values()) version.stages = version.stages.filter((stage) => !stages.includes(stage));
      versions.set(id, { stages, secretString: input.SecretString as string });
      return { ARN: arn, VersionId: id, VersionStages: stages };
    },
    UpdateSecretVersionStage: (input) => {
      const stage = input.VersionStage as string;
      const moveTo = versions.get(input.MoveToVersionId as string);
      const removeFrom = versions.get(input.RemoveFromVersionId as string);
      if (!moveTo) throw new ServiceError('ResourceNotFoundException', 'no such version');
      if (removeFrom && !removeFrom.stages.includes(stage)) throw new ServiceError('InvalidParameterException', 'stage not on that version');
      const holders = [...versions.values()].filter((version) => version !== moveTo && version.stages.includes(stage));
      if (holders.length > 0 && !removeFrom) throw new ServiceError('InvalidParameterException', 'RemoveFromVersionId is required');
      for (const version of versions.values()) version.stages = version.stages.filter((s) => s !== stage && !(stage === 'AWSCURRENT' && s === 'AWSPREVIOUS'));
      // As the service does: the version that loses AWSCURRENT becomes AWSPREVIOUS.
      if (stage === 'AWSCURRENT' && removeFrom) removeFrom.stages.push('AWSPREVIOUS');
      moveTo.stages.push(stage);
      return { ARN: arn };
    },
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      calls.push({ operation, input });
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(body));
      };
      try {
        if (input.SecretId !== undefined && input.SecretId !== arn) {
          throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        }
        const handle = operations[operation];
        if (!handle) throw new ServiceError('UnknownOperationException', operation);
        reply(200, handle(input));
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        reply(400, { __type: error.type, message: error.message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(fake, {
    endpoint: `http://127.0.0.1:${port}`,
    arn,
    versions,
    calls,
    startRotation() {
      const token = randomUUID();
      for (const version of versions.values()) version.stages = version.stages.filter((stage) => stage !== 'AWSPENDING');
      versions.set(token, { stages: ['AWSPENDING'] });
      return token;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  });
}
