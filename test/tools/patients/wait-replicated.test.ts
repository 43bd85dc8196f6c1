import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from '../../../local/embedded-dynamodb.ts';
import { ensurePatientsTable, localDynamoDbCall } from '../../../local/patients-table.ts';
import { localDynamoDbClient } from '../../../tools/patients/patients-table-target.ts';
import { runPatientsCli } from '../../../tools/patients/cli.ts';
import { readAllPatients, type StoredPatientId } from '../../../tools/patients/patients-repository.ts';
import { capturedIo } from '../support/captured-io.ts';

// --wait-replicated against local stores: dynalite has no global tables, so the primary and each
// "region" are stores of their own, and the test plays DynamoDB's replication by copying the table
// across once the CLI says it is waiting.
const REPLICATING = 'eu-west-1';
const LAGGING = 'ap-southeast-2';

let primary: EmbeddedDynamoDb;
let replica: EmbeddedDynamoDb;
let lagging: EmbeddedDynamoDb;
let tables = 0;
const folder = mkdtempSync(join(tmpdir(), 'wait-replicated-'));

beforeAll(async () => {
  [primary, replica, lagging] = await Promise.all([startEmbeddedDynamoDb(), startEmbeddedDynamoDb(), startEmbeddedDynamoDb()]);
});
afterAll(async () => {
  await Promise.all([primary, replica, lagging].map((store) => store?.close()));
  rmSync(folder, { recursive: true, force: true });
});

/** A fresh table in every store, so tests do not see each other's items. */
async function freshTable(): Promise<string> {
  const name = `replicated-${++tables}`;
  for (const store of [primary, replica, lagging]) {
    await ensurePatientsTable(localDynamoDbCall(store.endpoint), name);
  }
  return name;
}

async function contents(store: EmbeddedDynamoDb, tableName: string): Promise<Map<string, StoredPatientId>> {
  const client = localDynamoDbClient(store.endpoint);
  try {
    return await readAllPatients({ client, tableName, keyKind: 'login', description: tableName });
  } finally {
    client.destroy();
  }
}

/** What DynamoDB does for a global table: the replica ends holding what the primary holds. */
async function replicate(tableName: string, to: EmbeddedDynamoDb = replica): Promise<void> {
  const [source, target] = await Promise.all([contents(primary, tableName), contents(to, tableName)]);
  const client = localDynamoDbClient(to.endpoint);
  try {
    for (const [username, patientId] of source) {
      const item = { username: { S: username }, patientId: typeof patientId === 'string' ? { S: patientId } : (patientId as never) };
      await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
    }
    for (const username of target.keys()) {
      if (!source.has(username)) await client.send(new DeleteItemCommand({ TableName: tableName, Key: { username: { S: username } } }));
    }
  } finally {
    client.destroy();
  }
}

interface Run {
  code: number;
  out: string;
  err: string;
}

/**
 * `npm run patients -- <args> --local` against the primary, with the replicas given as the CLI takes
 * them locally; `whileWaiting` runs once the CLI says it is waiting for the replicas (never, if it does not).
 */
async function patients(
  args: string[],
  { replicas = `${REPLICATING}=${replica.endpoint}`, whileWaiting }: { replicas?: string; whileWaiting?: () => Promise<void> } = {},
): Promise<Run> {
  const io = capturedIo({ env: { AWS_ENDPOINT_URL_DYNAMODB: primary.endpoint, LOCAL_DYNAMODB_REPLICAS: replicas } });
  let played: Promise<void> | undefined;
  const write = io.stderr.write;
  io.stderr.write = (text: string) => {
    if (text.startsWith('waiting up to') && whileWaiting) played = whileWaiting();
    return write(text);
  };
  const code = await runPatientsCli([...args, '--local'], io);
  await played;
  return { code, out: io.out(), err: io.err() };
}

describe.concurrent('--wait-replicated', () => {
  it('put: waits until the replica shows the patient id, then says where it is', async () => {
    const table = await freshTable();
    const run = await patients(['put', 'kim.sato@example.com', '6789', '--table', table, '--wait-replicated'], {
      whileWaiting: () => replicate(table),
    });
    expect(run.err).toBe(`waiting up to 60 s for ${REPLICATING} to show 1 written item\n`);
    expect(run.out).toMatch(new RegExp(`^kim\\.sato@example\\.com → 6789: added\\nreplicated to ${REPLICATING} in \\d+\\.\\d s\\n$`));
    expect(run.code).toBe(0);
  });

  it('import: waits for the new, the changed and the pruned items alike', async () => {
    const table = await freshTable();
    expect((await patients(['put', 'old@example.com', '1', '--table', table])).code).toBe(0);
    expect((await patients(['put', 'kim.sato@example.com', '1', '--table', table])).code).toBe(0);
    await replicate(table);
    const file = join(folder, `${table}.csv`);
    writeFileSync(file, 'username,patientId\nkim.sato@example.com,6789\nnew@example.com,4235\n');

    const run = await patients(['import', file, '--prune', '--yes', '--table', table, '--wait-replicated'], {
      whileWaiting: () => replicate(table),
    });
    expect(run.err).toContain(`waiting up to 60 s for ${REPLICATING} to show 3 written items\n`);
    expect(run.out).toMatch(new RegExp(`\\nreplicated to ${REPLICATING} in \\d+\\.\\d s\\n$`));
    expect(run.code).toBe(0);
    expect(Object.fromEntries(await contents(replica, table))).toStrictEqual({ 'kim.sato@example.com': '6789', 'new@example.com': '4235' });
  });

  it('delete: waits until the replica no longer has the item', async () => {
    const table = await freshTable();
    expect((await patients(['put', 'kim.sato@example.com', '6789', '--table', table])).code).toBe(0);
    await replicate(table);
    const run = await patients(['delete', 'kim.sato@example.com', '--table', table, '--wait-replicated'], {
      whileWaiting: () => replicate(table),
    });
    expect(run.code).toBe(0);
    expect(run.out).toMatch(new RegExp(`\\nreplicated to ${REPLICATING} in `));
    expect(await contents(replica, table)).toStrictEqual(new Map());
  });

  it('names the region that did not catch up in one line, exit 1, and leaves the write done', async () => {
    const table = await freshTable();
    const run = await patients(
      ['put', 'kim.sato@example.com', '6789', '--table', table, '--wait-replicated', '--replication-timeout', '1'],
      {
        replicas: `${REPLICATING}=${replica.endpoint},${LAGGING}=${lagging.endpoint}`,
        whileWaiting: () => replicate(table),
      },
    );
    expect(run.code).toBe(1);
    const lines = run.err.trimEnd().split('\n');
    expect(lines).toStrictEqual([
      `waiting up to 1 s for ${REPLICATING}, ${LAGGING} to show 1 written item`,
      `not replicated within 1 s: ${LAGGING} lacks 1 of 1 item; the write itself is done in table ${table} at ${primary.endpoint}, and the same command with --wait-replicated waits again`,
    ]);
    expect(run.err).not.toContain('kim.sato');
    expect(Object.fromEntries(await contents(primary, table))).toStrictEqual({ 'kim.sato@example.com': '6789' });
  });

  it('counts a replica that holds the old patient id as not caught up', async () => {
    const table = await freshTable();
    expect((await patients(['put', 'kim.sato@example.com', '1', '--table', table])).code).toBe(0);
    await replicate(table);
    const run = await patients([
      'put',
      'kim.sato@example.com',
      '6789',
      '--table',
      table,
      '--wait-replicated',
      '--replication-timeout',
      '1',
    ]);
    expect(run.code).toBe(1);
    expect(run.err).toContain(`not replicated within 1 s: ${REPLICATING} lacks 1 of 1 item;`);
  });

  it('names why a region could not be read', async () => {
    const table = await freshTable();
    const closed = await startEmbeddedDynamoDb();
    await closed.close();
    const run = await patients(['delete', 'kim.sato@example.com', '--table', table, '--wait-replicated', '--replication-timeout', '1'], {
      replicas: `${LAGGING}=${closed.endpoint}`,
    });
    expect(run.code).toBe(1);
    expect(run.err).toContain(`\nnot replicated within 1 s: ${LAGGING} lacks 1 of 1 item (its last read failed: ECONNREFUSED); `);
  });

  it('says there is nothing to wait for when the table has no replicas', async () => {
    const table = await freshTable();
    const run = await patients(['put', 'kim.sato@example.com', '6789', '--table', table, '--wait-replicated'], { replicas: '' });
    expect(run.code).toBe(0);
    expect(run.err).toBe(
      `--wait-replicated: table ${table} at ${primary.endpoint} has no replicas in other regions, nothing to wait for\n`,
    );
  });

  it.each([
    [['get', 'kim.sato@example.com', '--wait-replicated'], '--wait-replicated is a put, delete and import option'],
    [['put', 'kim.sato@example.com', '6789', '--replication-timeout', '5'], '--replication-timeout goes with --wait-replicated'],
    [
      ['put', 'kim.sato@example.com', '6789', '--wait-replicated', '--replication-timeout', '0'],
      '--replication-timeout must be a whole number from 1 to 900',
    ],
  ])('refuses %j with one line, exit 2', async (args, message) => {
    const run = await patients([...args, '--table', await freshTable()]);
    expect(run).toMatchObject({ code: 2, out: '' });
    expect(run.err).toBe(`error: ${message}; npm run patients -- --help shows the usage\n`);
  });

  it('refuses a malformed replica list with one line, exit 2, before writing anything', async () => {
    const table = await freshTable();
    const run = await patients(['put', 'kim.sato@example.com', '6789', '--table', table, '--wait-replicated'], { replicas: 'eu-west-1' });
    expect(run.code).toBe(2);
    expect(run.err.split('\n')[0]).toMatch(/^error: LOCAL_DYNAMODB_REPLICAS must be region=endpoint,\.\.\./);
    expect(run.err.trimEnd().split('\n')).toHaveLength(1);
    expect(await contents(primary, table)).toStrictEqual(new Map());
  });
});

/**
 * DynamoDB as the SDK reaches it in AWS, one endpoint for every region: each request goes to the store of
 * the region its SigV4 credential scope names, and the primary's DescribeTable lists the global table's
 * replicas (itself among them, as DescribeTable may).
 */
function regionalDynamoDb(stores: Record<string, EmbeddedDynamoDb>, primaryRegion: string): Server {
  return createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? '';
      const headers = Object.fromEntries(
        ['content-type', 'x-amz-target', 'x-amz-date', 'authorization'].map((name) => [name, String(request.headers[name] ?? '')]),
      );
      const answer = await fetch((stores[region] as EmbeddedDynamoDb).endpoint, { method: 'POST', headers, body });
      let text = await answer.text();
      if (answer.ok && region === primaryRegion && headers['x-amz-target']?.endsWith('.DescribeTable')) {
        const description = JSON.parse(text);
        description.Table.Replicas = Object.keys(stores).map((RegionName) => ({ RegionName, ReplicaStatus: 'ACTIVE' }));
        text = JSON.stringify(description);
      }
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0' });
      response.end(text);
    })();
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

describe('--wait-replicated on a table in AWS', () => {
  let dynamoDb: Server;
  beforeAll(async () => {
    dynamoDb = regionalDynamoDb({ 'us-east-1': primary, [REPLICATING]: replica }, 'us-east-1');
    await new Promise<void>((resolve) => dynamoDb.listen(0, '127.0.0.1', resolve));
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', `http://127.0.0.1:${(dynamoDb.address() as AddressInfo).port}`);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    dynamoDb.closeAllConnections();
    await new Promise<void>((resolve) => dynamoDb.close(() => resolve()));
  });

  it("finds the other regions in DescribeTable's Replicas and reads each in its own region", async () => {
    const table = await freshTable();
    const io = capturedIo();
    let played: Promise<void> | undefined;
    const write = io.stderr.write;
    io.stderr.write = (text: string) => {
      if (text.startsWith('waiting up to')) played = replicate(table);
      return write(text);
    };
    const code = await runPatientsCli(['put', 'kim.sato@example.com', '6789', '--table', table, '--wait-replicated'], io);
    await played;
    expect(io.err()).toBe(`waiting up to 60 s for ${REPLICATING} to show 1 written item\n`);
    expect(io.out()).toMatch(new RegExp(`\\nreplicated to ${REPLICATING} in \\d+\\.\\d s\\n$`));
    expect(code).toBe(0);
  });

  it('reads the replica, not the primary: one that never gets the item does not catch up', async () => {
    const table = await freshTable();
    const io = capturedIo();
    const code = await runPatientsCli(
      ['put', 'kim.sato@example.com', '6789', '--table', table, '--wait-replicated', '--replication-timeout', '1'],
      io,
    );
    expect(code).toBe(1);
    expect(io.err()).toContain(
      `\nnot replicated within 1 s: ${REPLICATING} lacks 1 of 1 item; the write itself is done in table ${table}, `,
    );
  });
});
