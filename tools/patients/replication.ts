import { setTimeout as sleep } from 'node:timers/promises';
import { type AttributeValue, BatchGetItemCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PATIENT_ID_ATTRIBUTE } from '../../lambda/aws/dynamodb-patient-store.ts';
import { TABLE_KEY_ATTRIBUTE } from '../../lambda/core/patient-record.ts';
import { countOf, formatCount } from '../cli/output.ts';
import { type CliIo, EXIT, type ExitCode, UsageError } from '../cli/run-command.ts';
import { localDynamoDbClient, type PatientsTable } from './patients-table-target.ts';

// --wait-replicated: writes go to the primary region's table; a global table's replicas in the other
// regions show them later (usually within seconds). This waits until each one does, or says which did not.

/** What a replica shows once a write has reached it: this patient id, or no item (a delete). */
export interface WrittenItem {
  /** The key exactly as written. */
  key: string;
  patientId?: string;
}

/** Told what a command wrote, for --wait-replicated to look for. */
export type OnWritten = (items: readonly WrittenItem[]) => void;

export interface Replica {
  region: string;
  client: DynamoDBClient;
}

/**
 * The local store (--local) has no global tables: its replicas are other local stores, named here as
 * `region=endpoint,...`, and the test or the operator copies the items across.
 */
export const LOCAL_REPLICAS_VARIABLE = 'LOCAL_DYNAMODB_REPLICAS';

export const DEFAULT_REPLICATION_TIMEOUT_SECONDS = 60;
export const MAX_REPLICATION_TIMEOUT_SECONDS = 900;
// Replication usually takes under a second: the first re-reads come soon, then a round a second.
const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 1000;
// A read that takes longer is given up for this round (and counted as not caught up yet).
const READ_TIMEOUT_MS = 5000;
// DynamoDB's limit for one BatchGetItem call, and how many of them a replica is read with at once.
const BATCH_GET_SIZE = 100;
const READS_IN_FLIGHT = 8;

/**
 * The table's replicas in regions other than the one written: DescribeTable's `Replicas`, each read with
 * a client of its own region (credentials from the usual chain); for --local, LOCAL_DYNAMODB_REPLICAS.
 */
export async function openReplicas(table: PatientsTable, env: Record<string, string | undefined>): Promise<Replica[]> {
  if (table.localEndpoint) {
    return localReplicas(env[LOCAL_REPLICAS_VARIABLE]).map(({ region, endpoint }) => ({ region, client: localDynamoDbClient(endpoint) }));
  }
  const { Table } = await table.client.send(new DescribeTableCommand({ TableName: table.tableName })).catch((error: unknown) => {
    if ((error as { name?: string })?.name !== 'AccessDeniedException') throw error;
    throw new Error(`--wait-replicated needs dynamodb:DescribeTable on ${table.description}, to find its replicas: nothing was written`);
  });
  const written = await table.client.config.region();
  return (Table?.Replicas ?? [])
    .map((replica) => replica.RegionName)
    .filter((region): region is string => region !== undefined && region !== written)
    .map((region) => ({ region, client: new DynamoDBClient({ region }) }));
}

function localReplicas(setting: string | undefined): Array<{ region: string; endpoint: string }> {
  if (!setting) return [];
  return setting.split(',').map((entry) => {
    const match = /^\s*([a-z0-9-]+)=(https?:\/\/\S+?)\s*$/.exec(entry);
    if (!match) throw new UsageError(`${LOCAL_REPLICAS_VARIABLE} must be region=endpoint,... (e.g. eu-west-1=http://127.0.0.1:8001)`);
    return { region: match[1] as string, endpoint: match[2] as string };
  });
}

interface Lagging {
  region: string;
  /** How many written items it did not show yet. */
  missing: number;
  /** The name of the error its last read failed with, if it failed. */
  lastError?: string;
}

/**
 * Reads each replica until it shows every written item as written (the waits between rounds grow from
 * 0.1 s to a second), until the first round that ends past `timeoutMs`: the regions that did not catch up by then, none when all
 * did. A failed read counts as not caught up yet (a region can be briefly unreachable), and is named
 * when it was the last.
 */
async function waitForReplicas(
  table: PatientsTable,
  replicas: readonly Replica[],
  items: readonly WrittenItem[],
  timeoutMs: number,
): Promise<Lagging[]> {
  const endsAt = performance.now() + timeoutMs;
  const results = await Promise.all(
    replicas.map(async ({ region, client }): Promise<Lagging | undefined> => {
      let pending = [...items];
      let lastError: string | undefined;
      for (let poll = FIRST_POLL_MS; ; poll = Math.min(poll * 2, MAX_POLL_MS)) {
        try {
          pending = await notShownYet(client, table, pending);
          lastError = undefined;
        } catch (error) {
          lastError = errorName(error);
        }
        if (pending.length === 0) return undefined;
        const wait = endsAt - performance.now();
        if (wait <= 0) return { region, missing: pending.length, ...(lastError ? { lastError } : {}) };
        await sleep(Math.min(poll, wait));
      }
    }),
  );
  return results.filter((lagging): lagging is Lagging => lagging !== undefined);
}

/** The items a replica does not show as written yet (eventually consistent reads: the only kind across regions). */
async function notShownYet(
  client: DynamoDBClient,
  { tableName, keyKind }: PatientsTable,
  items: readonly WrittenItem[],
): Promise<WrittenItem[]> {
  const attribute = TABLE_KEY_ATTRIBUTE[keyKind];
  const batches: WrittenItem[][] = [];
  for (let start = 0; start < items.length; start += BATCH_GET_SIZE) batches.push(items.slice(start, start + BATCH_GET_SIZE));
  const shown = new Map<string, AttributeValue | undefined>();
  const read = new Set<string>();
  let next = 0;
  async function reader(): Promise<void> {
    while (next < batches.length) {
      const batch = batches[next++] as WrittenItem[];
      const output = await client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [tableName]: {
              Keys: batch.map(({ key }) => ({ [attribute]: { S: key } })),
              ProjectionExpression: '#key, #patientId',
              ExpressionAttributeNames: { '#key': attribute, '#patientId': PATIENT_ID_ATTRIBUTE },
            },
          },
        }),
        { abortSignal: AbortSignal.timeout(READ_TIMEOUT_MS) },
      );
      for (const item of output.Responses?.[tableName] ?? []) shown.set(item[attribute]?.S as string, item[PATIENT_ID_ATTRIBUTE]);
      // Keys DynamoDB left unprocessed (a busy table) were not read: they stay pending for the next round.
      const unprocessed = new Set((output.UnprocessedKeys?.[tableName]?.Keys ?? []).map((key) => key[attribute]?.S));
      for (const { key } of batch) if (!unprocessed.has(key)) read.add(key);
    }
  }
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, batches.length) }, () => reader()));
  return items.filter(({ key, patientId }) => {
    if (!read.has(key)) return true;
    const stored = shown.get(key);
    return patientId === undefined ? shown.has(key) : stored?.S !== patientId;
  });
}

/** An AWS error's name (AccessDeniedException), a network error's code (ECONNREFUSED): never its message. */
function errorName(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  if (typeof code === 'string') return code;
  return typeof name === 'string' ? name : 'an error';
}

/** "eu-west-1 lacks 2 of 3 items (its last read failed: AccessDeniedException)", for the one-line message. */
function describeLagging(lagging: readonly Lagging[], total: number): string {
  return lagging
    .map(
      ({ region, missing, lastError }) =>
        `${region} lacks ${formatCount(missing)} of ${countOf(total, 'item')}${lastError ? ` (its last read failed: ${lastError})` : ''}`,
    )
    .join(', ');
}

/**
 * After a write with --wait-replicated: waits for every replica to show what was written. Exit 1, with
 * one line naming the regions that did not catch up, when one did not within the timeout.
 */
export async function awaitReplication(
  table: PatientsTable,
  io: CliIo,
  replicas: readonly Replica[],
  items: readonly WrittenItem[],
  timeoutSeconds: number,
): Promise<ExitCode> {
  if (replicas.length === 0) {
    io.stderr.write(`--wait-replicated: ${table.description} has no replicas in other regions, nothing to wait for\n`);
    return EXIT.ok;
  }
  if (items.length === 0) return EXIT.ok;
  const regions = replicas.map(({ region }) => region).join(', ');
  io.stderr.write(`waiting up to ${timeoutSeconds} s for ${regions} to show ${countOf(items.length, 'written item')}\n`);
  const started = performance.now();
  const lagging = await waitForReplicas(table, replicas, items, timeoutSeconds * 1000);
  if (lagging.length > 0) {
    io.stderr.write(
      `not replicated within ${timeoutSeconds} s: ${describeLagging(lagging, items.length)}; ` +
        `the write itself is done in ${table.description}, and the same command with --wait-replicated waits again\n`,
    );
    return EXIT.failed;
  }
  io.stdout.write(`replicated to ${regions} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return EXIT.ok;
}
