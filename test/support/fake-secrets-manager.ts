import { randomInt, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CURRENT_SINCE_TAG, currentSinceTagValue } from '../../lambda/aws/secrets-manager-credentials.ts';
import type { BasicCredential } from '../../lambda/core/basic-auth.ts';

export interface SecretVersion {
  stages: string[];
  /** None for the version Secrets Manager stages AWSPENDING before calling createSecret. */
  secretString?: string;
  /** ms since the epoch */
  createdAt: number;
}

export interface SecretsManagerCall {
  operation: string;
  input: Record<string, unknown>;
  /** The region of the SigV4 credential scope the call was signed for. */
  region: string | undefined;
  /** Date.now() when the call arrived. */
  at: number;
}

/** What the fake does to the calls a test picks: answer late, never answer, or fail as the service does. */
export type SecretsManagerFault = { delayMs: number } | { hang: true } | { status: 500 | 503 };

/**
 * A local HTTP server speaking Secrets Manager's JSON 1.1 protocol for one secret, through which the real
 * SDK client and the hook's own client both talk: `POST /` with `X-Amz-Target: secretsmanager.<Operation>`,
 * a SigV4 Authorization header (an unsigned call is refused) and a JSON body. Enough of it for the hook's
 * reads and for single-user rotation: versions, staging labels (moved, or taken off a version), tags, DescribeSecret,
 * BatchGetSecretValue (with plain-string `others` beside the one secret), GetRandomPassword,
 * PutSecretValue, UpdateSecretVersionStage, TagResource, UntagResource. Answers as the service does,
 * errors included (`__type`, `Message`, HTTP 400, or 500 `InternalServiceError`) and dates in epoch
 * seconds. Like the service, it keeps when the secret last changed in any way (a value put, a staging
 * label moved, a tag added or removed): DescribeSecret's `LastChangedDate`.
 */
export interface FakeSecretsManager {
  endpoint: string;
  /** `arn:aws:secretsmanager:eu-west-1:123456789012:secret:<name>-AbCdEf`; the secret answers to its name or its ARN. */
  arn: string;
  name: string;
  versions: Map<string, SecretVersion>;
  /** The secret's tags, key to value: DescribeSecret's `Tags`. */
  tags: Map<string, string>;
  rotationEnabled: boolean;
  /** When the secret last changed in any way, ms since the epoch: DescribeSecret's `LastChangedDate`. */
  lastChangedAt: number;
  /** Every signed call, in order: the operation, its input and the region it was signed for. */
  calls: SecretsManagerCall[];
  /** Calls held open by a `hang` fault whose caller has not given up yet. */
  readonly hanging: number;
  /**
   * From now on, the calls `which` picks (every call when absent) meet this fault; `undefined` ends it.
   * They are still recorded in `calls`: the hook made them.
   */
  fault(fault: SecretsManagerFault | undefined, which?: (call: SecretsManagerCall) => boolean): void;
  /** The ARN of another secret the fake holds (`others`). */
  arnOf(name: string): string;
  /** The GetSecretValue calls for a staging label (AWSCURRENT when the call names no version). */
  readsOf(stage: string): number;
  /** What Secrets Manager does before calling createSecret: a new version id staged AWSPENDING, no value. */
  startRotation(): string;
  /**
   * What a rotation by our rotation function leaves: the new value is AWSCURRENT, the old one AWSPREVIOUS,
   * and the tag that says when AWSCURRENT moved; the new version is created, made current and tagged at
   * `at` (default now).
   */
  rotate(next: string | BasicCredential, at?: number): string;
  close(): Promise<void>;
}

export interface FakeSecretsManagerOptions {
  /** The secret's name (default OktaHookCredential). */
  name?: string;
  /** When the current version was created, ms since the epoch (default now). */
  createdAt?: number;
  /** Default: any free port. */
  port?: number;
  /**
   * More secrets, by name, each one AWSCURRENT version of a plain string (the user-hash key): read with
   * GetSecretValue (by name or ARN, AWSCURRENT) or BatchGetSecretValue, beside the main secret.
   */
  others?: Record<string, string>;
}

export const FAKE_SECRET_REGION = 'eu-west-1';

const LETTERS_AND_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the fake with one version, AWSCURRENT: the given string, or a credential as the hook's secret holds it. */
export async function startFakeSecretsManager(
  initial: string | BasicCredential,
  { name = 'OktaHookCredential', createdAt = Date.now(), port = 0, others = {} }: FakeSecretsManagerOptions = {},
): Promise<FakeSecretsManager> {
  const arnOf = (secretName: string, suffix = 'XyZ123') =>
    `arn:aws:secretsmanager:${FAKE_SECRET_REGION}:123456789012:secret:${secretName}-${suffix}`;
  const arn = arnOf(name, 'AbCdEf');
  const otherSecrets = Object.entries(others).map(([otherName, value]) => ({
    ARN: arnOf(otherName),
    Name: otherName,
    VersionId: randomUUID(),
    SecretString: value,
    VersionStages: ['AWSCURRENT'],
    CreatedDate: createdAt / 1000,
  }));
  const otherSecret = (secretId: unknown) => otherSecrets.find((secret) => secretId === secret.ARN || secretId === secret.Name);
  const versions = new Map<string, SecretVersion>([
    [randomUUID(), { stages: ['AWSCURRENT'], secretString: secretString(initial), createdAt }],
  ]);
  const tags = new Map<string, string>();
  const calls: SecretsManagerCall[] = [];
  const fake = { rotationEnabled: true, lastChangedAt: createdAt };
  let currentFault: { fault: SecretsManagerFault; which: (call: SecretsManagerCall) => boolean } | undefined;
  const hung = new Set<ServerResponse>();
  const changed = () => {
    fake.lastChangedAt = Date.now();
  };

  const stageOf = (input: Record<string, unknown>) =>
    (input.VersionStage as string | undefined) ?? (input.VersionId === undefined ? 'AWSCURRENT' : undefined);

  const versionWith = (input: Record<string, unknown>) => {
    const versionId = input.VersionId as string | undefined;
    const stage = stageOf(input);
    for (const [id, version] of versions) {
      if ((versionId === undefined || id === versionId) && (stage === undefined || version.stages.includes(stage))) {
        if (version.secretString === undefined) break;
        return { id, version: version as SecretVersion & { secretString: string } };
      }
    }
    const label = stage !== undefined ? `staging label: ${stage}` : `VersionId: ${versionId}`;
    throw new ServiceError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for ${label}`);
  };

  const operations: Record<string, (input: Record<string, unknown>) => object> = {
    DescribeSecret: () => ({
      ARN: arn,
      Name: name,
      RotationEnabled: fake.rotationEnabled,
      CreatedDate: createdAt / 1000,
      LastChangedDate: fake.lastChangedAt / 1000,
      // The service leaves the member out when the secret has no tag.
      ...(tags.size > 0 ? { Tags: [...tags].map(([Key, Value]) => ({ Key, Value })) } : {}),
      VersionIdsToStages: Object.fromEntries([...versions].map(([id, version]) => [id, [...version.stages]])),
    }),
    GetSecretValue: (input) => {
      const other = otherSecret(input.SecretId);
      if (other) {
        if (input.VersionId !== undefined || (input.VersionStage ?? 'AWSCURRENT') !== 'AWSCURRENT') {
          throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value");
        }
        return { ...other, VersionStages: [...other.VersionStages] };
      }
      const { id, version } = versionWith(input);
      return {
        ARN: arn,
        Name: name,
        VersionId: id,
        SecretString: version.secretString,
        VersionStages: [...version.stages],
        CreatedDate: version.createdAt / 1000,
      };
    },
    // The AWSCURRENT version of each secret named in SecretIdList (Filters are not played); a secret that
    // cannot be read is in Errors and the call still answers 200, as the service does.
    BatchGetSecretValue: (input) => {
      const ids = input.SecretIdList;
      if (!Array.isArray(ids) || ids.length < 1 || ids.length > 20 || input.Filters !== undefined) {
        throw new ServiceError(
          'InvalidParameterException',
          'You must provide SecretIdList with 1 to 20 secrets (this fake plays no Filters).',
        );
      }
      const SecretValues: object[] = [];
      const Errors: object[] = [];
      for (const SecretId of ids as unknown[]) {
        const other = otherSecret(SecretId);
        if (other) SecretValues.push({ ...other, VersionStages: [...other.VersionStages] });
        else if (SecretId === arn || SecretId === name) SecretValues.push(operations.GetSecretValue!({ SecretId }));
        else Errors.push({ SecretId, ErrorCode: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." });
      }
      return { SecretValues, Errors };
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
      versions.set(id, { stages, secretString: input.SecretString as string, createdAt: Date.now() });
      changed();
      return { ARN: arn, Name: name, VersionId: id, VersionStages: stages };
    },
    UpdateSecretVersionStage: (input) => {
      const stage = input.VersionStage as string;
      const moveTo = versions.get(input.MoveToVersionId as string);
      const removeFrom = versions.get(input.RemoveFromVersionId as string);
      // Only RemoveFromVersionId: the label is taken off that version and put on none.
      if (input.MoveToVersionId === undefined && removeFrom) {
        if (!removeFrom.stages.includes(stage)) throw new ServiceError('InvalidParameterException', 'stage not on that version');
        removeFrom.stages = removeFrom.stages.filter((s) => s !== stage);
        changed();
        return { ARN: arn, Name: name };
      }
      if (!moveTo) throw new ServiceError('ResourceNotFoundException', 'no such version');
      if (removeFrom && !removeFrom.stages.includes(stage))
        throw new ServiceError('InvalidParameterException', 'stage not on that version');
      const holders = [...versions.values()].filter((version) => version !== moveTo && version.stages.includes(stage));
      if (holders.length > 0 && !removeFrom) throw new ServiceError('InvalidParameterException', 'RemoveFromVersionId is required');
      for (const version of versions.values())
        version.stages = version.stages.filter((s) => s !== stage && !(stage === 'AWSCURRENT' && s === 'AWSPREVIOUS'));
      // As the service does: the version that loses AWSCURRENT becomes AWSPREVIOUS.
      if (stage === 'AWSCURRENT' && removeFrom) removeFrom.stages.push('AWSPREVIOUS');
      moveTo.stages.push(stage);
      changed();
      return { ARN: arn, Name: name };
    },
    // TagResource and UntagResource answer with an empty body; a key already there gets the new value.
    TagResource: (input) => {
      const added = (input.Tags ?? []) as Array<{ Key?: unknown; Value?: unknown }>;
      for (const { Key, Value } of added) checkTag(Key, Value);
      if (new Set([...tags.keys(), ...added.map((tag) => tag.Key as string)]).size > MAX_TAGS) {
        throw new ServiceError('LimitExceededException', `a secret has at most ${MAX_TAGS} tags`);
      }
      for (const { Key, Value } of added) tags.set(Key as string, Value as string);
      changed();
      return {};
    },
    UntagResource: (input) => {
      for (const key of (input.TagKeys ?? []) as string[]) tags.delete(key);
      changed();
      return {};
    },
  };

  /** The signed call a request makes (a refusal of an unsigned one), and whether it is one of this service's. */
  function callOf(request: IncomingMessage, input: Record<string, unknown>): { call: SecretsManagerCall; ours: boolean } {
    const authorization = String(request.headers.authorization ?? '');
    if (!authorization.startsWith('AWS4-HMAC-SHA256 Credential=')) {
      throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    const ours = target.startsWith('secretsmanager.');
    const operation = ours ? target.slice('secretsmanager.'.length) : target;
    const region = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/secretsmanager\/aws4_request/.exec(authorization)?.[1];
    return { call: { operation, input, region, at: Date.now() }, ours };
  }

  function answer({ operation, input }: SecretsManagerCall, ours: boolean): object {
    const handle = ours && Object.hasOwn(operations, operation) ? operations[operation] : undefined;
    if (!handle) throw new ServiceError('UnknownOperationException', `Unknown operation ${ours ? 'secretsmanager.' : ''}${operation}`);
    if (
      input.SecretId !== undefined &&
      input.SecretId !== arn &&
      input.SecretId !== name &&
      !(operation === 'GetSecretValue' && otherSecret(input.SecretId))
    ) {
      throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    return handle(input);
  }

  function reply(response: ServerResponse, call: SecretsManagerCall, ours: boolean): void {
    // The caller gave up on a delayed call: there is no one left to answer.
    if (response.destroyed) return;
    try {
      send(response, 200, answer(call, ours));
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      send(response, 400, { __type: error.type, Message: error.message });
    }
  }

  const server = createServer((request, response) => {
    readJson(request).then(
      (input) => {
        let signed: ReturnType<typeof callOf>;
        try {
          signed = callOf(request, input);
        } catch (error) {
          if (!(error instanceof ServiceError)) throw error;
          return send(response, 400, { __type: error.type, Message: error.message });
        }
        const { call, ours } = signed;
        calls.push(call);
        const fault = currentFault?.which(call) ? currentFault.fault : undefined;
        if (fault === undefined) return reply(response, call, ours);
        if ('status' in fault) {
          return send(response, fault.status, { __type: 'InternalServiceError', Message: 'An error occurred on the server side.' });
        }
        if ('hang' in fault) {
          hung.add(response);
          response.on('close', () => hung.delete(response));
          return;
        }
        setTimeout(() => reply(response, call, ours), fault.delayMs);
      },
      () => send(response, 400, { __type: 'SerializationException', Message: 'the request body is not JSON' }),
    );
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  let closed: Promise<void> | undefined;

  Object.defineProperty(fake, 'hanging', { get: () => hung.size });
  return Object.assign(fake as typeof fake & { readonly hanging: number }, {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arn,
    name,
    versions,
    tags,
    calls,
    fault(fault: SecretsManagerFault | undefined, which: (call: SecretsManagerCall) => boolean = () => true) {
      currentFault = fault === undefined ? undefined : { fault, which };
    },
    arnOf: (otherName: string) => arnOf(otherName),
    readsOf: (stage: string) => calls.filter((call) => call.operation === 'GetSecretValue' && stageOf(call.input) === stage).length,
    startRotation() {
      const token = randomUUID();
      for (const version of versions.values()) version.stages = version.stages.filter((stage) => stage !== 'AWSPENDING');
      versions.set(token, { stages: ['AWSPENDING'], createdAt: Date.now() });
      changed();
      return token;
    },
    rotate(next: string | BasicCredential, at = Date.now()) {
      const token = randomUUID();
      for (const version of versions.values()) {
        const wasCurrent = version.stages.includes('AWSCURRENT');
        version.stages = version.stages.filter((stage) => stage !== 'AWSCURRENT' && stage !== 'AWSPREVIOUS');
        if (wasCurrent) version.stages.push('AWSPREVIOUS');
      }
      versions.set(token, { stages: ['AWSCURRENT'], secretString: secretString(next), createdAt: at });
      tags.set(CURRENT_SINCE_TAG, currentSinceTagValue(token, at));
      fake.lastChangedAt = at;
      return token;
    },
    // Safe to call twice: a test may close it to play an outage, and its cleanup close it again.
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  });
}

// The limits of the Tag type and TagResource (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Tag.html,
// API_TagResource.html): keys of 1 to 128 characters, values up to 256, no `aws:` prefix, 50 tags. The
// characters are those TagResource says are generally allowed: letters, digits, spaces and + - = . _ : / @.
const MAX_TAGS = 50;
const TAG_CHARACTERS = /^[\p{L}\p{N}\p{Zs}+\-=._:/@]*$/u;

function checkTag(key: unknown, value: unknown): void {
  if (typeof key !== 'string' || key.length < 1 || key.length > 128 || !TAG_CHARACTERS.test(key) || key.startsWith('aws:')) {
    throw new ServiceError('InvalidParameterException', 'You provided an invalid tag key.');
  }
  if (typeof value !== 'string' || value.length > 256 || !TAG_CHARACTERS.test(value) || value.startsWith('aws:')) {
    throw new ServiceError('InvalidParameterException', 'You provided an invalid tag value.');
  }
}

function secretString(value: string | BasicCredential): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>);
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
  response.end(JSON.stringify(body));
}
