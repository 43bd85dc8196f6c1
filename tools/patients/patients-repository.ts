import {
  type AttributeValue,
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  PATIENT_ID_ATTRIBUTE,
  type PatientRecord,
  patientIdAsStored,
  patientItem,
  patientItemKey,
} from '../../lambda/aws/dynamodb-patient-store.ts';
import { TABLE_KEY_ATTRIBUTE, type UserKeyKind } from '../../lambda/core/patient-record.ts';
import type { PatientsTable } from './patients-table-target.ts';

// The patients table as the tools read and write it: the reads and writes of one patient or all, and
// batched writes for an import. The item itself is lambda/aws/dynamodb-patient-store.ts's.

/** A patient id as the table holds it: the string of a DynamoDB String, else the attribute itself (never coerced). */
export type StoredPatientId = string | AttributeValue | undefined;

export interface StoredPatientRecord {
  key: string;
  patientId: StoredPatientId;
}

/** The key attributes of an item as read back, exactly as stored: what deletes a legacy, non-canonical key too. */
export function storedItemKey(key: string, kind: UserKeyKind): Record<string, AttributeValue> {
  return { [TABLE_KEY_ATTRIBUTE[kind]]: { S: key } };
}

/** An item as read back, or undefined when it has no key of this kind (an item of another table shape). */
export function storedPatientRecord(item: Record<string, AttributeValue>, kind: UserKeyKind): StoredPatientRecord | undefined {
  const key = item[TABLE_KEY_ATTRIBUTE[kind]]?.S;
  return key === undefined ? undefined : { key, patientId: storedPatientId(item) };
}

// Like the hook: a String is its string; a Number (or anything else) stays what it is, so it is refused
// rather than read as "4235" when the clinic's id was "04235".
export function storedPatientId(item: Record<string, AttributeValue> | undefined): StoredPatientId {
  return patientIdAsStored(item?.[PATIENT_ID_ATTRIBUTE]);
}

/** A stored patient id for people: the string itself, or what kind of value stands in its place. */
export function describeStoredPatientId(value: StoredPatientId): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '(no patientId)';
  if (value.N !== undefined) return `${value.N} (a Number)`;
  return `(a ${Object.keys(value)[0] ?? 'non-String'} value)`;
}

/** The patient id stored for a user, if there is an item. */
export async function getPatientId(
  { client, tableName, keyKind }: PatientsTable,
  user: string,
): Promise<{ found: boolean; patientId: StoredPatientId }> {
  const output = await client.send(new GetItemCommand({ TableName: tableName, Key: patientItemKey(user, keyKind), ConsistentRead: true }));
  return { found: output.Item !== undefined, patientId: storedPatientId(output.Item) };
}

/** Writes one patient; returns the patient id it replaced, if any. */
export async function putPatient({ client, tableName, keyKind }: PatientsTable, record: PatientRecord): Promise<StoredPatientId> {
  const output = await client.send(
    new PutItemCommand({ TableName: tableName, Item: patientItem(record, keyKind), ReturnValues: 'ALL_OLD' }),
  );
  return storedPatientId(output.Attributes);
}

/**
 * Writes one patient only where the table has no item for that user yet; false when it already had
 * one (written by someone else since the table was read): that one is left as it is.
 */
export async function putPatientIfAbsent({ client, tableName, keyKind }: PatientsTable, record: PatientRecord): Promise<boolean> {
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: patientItem(record, keyKind),
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': TABLE_KEY_ATTRIBUTE[keyKind] },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Deletes one patient; returns whether there was an item, and the patient id it had. */
export async function deletePatient(
  { client, tableName, keyKind }: PatientsTable,
  user: string,
): Promise<{ found: boolean; patientId: StoredPatientId }> {
  const output = await client.send(
    new DeleteItemCommand({ TableName: tableName, Key: patientItemKey(user, keyKind), ReturnValues: 'ALL_OLD' }),
  );
  return { found: output.Attributes !== undefined, patientId: storedPatientId(output.Attributes) };
}

/** The whole table, one Scan page (up to 1 MB) at a time, patient ids as stored. */
export async function* scanPatientPages({ client, tableName, keyKind }: PatientsTable): AsyncGenerator<StoredPatientRecord[]> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const output = await client.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: '#key, #patientId',
        ExpressionAttributeNames: { '#key': TABLE_KEY_ATTRIBUTE[keyKind], '#patientId': PATIENT_ID_ATTRIBUTE },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const page: StoredPatientRecord[] = [];
    for (const item of output.Items ?? []) {
      const record = storedPatientRecord(item, keyKind);
      if (record) page.push(record);
    }
    yield page;
    startKey = output.LastEvaluatedKey;
  } while (startKey);
}

/** The whole table as key → patient id as stored. */
export async function readAllPatients(table: PatientsTable, onPage?: (count: number) => void): Promise<Map<string, StoredPatientId>> {
  const patients = new Map<string, StoredPatientId>();
  for await (const page of scanPatientPages(table)) {
    for (const { key, patientId } of page) patients.set(key, patientId);
    onPage?.(page.length);
  }
  return patients;
}

/** DynamoDB's limit for one BatchWriteItem call. */
export const BATCH_SIZE = 25;

export type BatchWriteSender = (input: BatchWriteItemCommandInput) => Promise<Pick<BatchWriteItemCommandOutput, 'UnprocessedItems'>>;

export interface BatchWriteOptions {
  /** Batches in flight at once. */
  concurrency?: number;
  /** Calls per batch, the first included, before giving up on its unprocessed items. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called with how many requests a call just completed. */
  onWritten?: (count: number) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Puts and deletes in batches of 25, a few batches at a time. DynamoDB may accept only part of a batch
 * (UnprocessedItems) when the table is busy: those are sent again after an exponential, jittered pause.
 */
export async function writeInBatches(
  send: BatchWriteSender,
  tableName: string,
  requests: readonly WriteRequest[],
  {
    concurrency = 8,
    maxAttempts = 10,
    baseDelayMs = 50,
    maxDelayMs = 5000,
    onWritten,
    sleep = defaultSleep,
    random = Math.random,
  }: BatchWriteOptions = {},
): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < requests.length; start += BATCH_SIZE) batches.push(requests.slice(start, start + BATCH_SIZE));
  let next = 0;
  let failed = false;

  async function writeBatch(batch: WriteRequest[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      const output = await send({ RequestItems: { [tableName]: pending } });
      const unprocessed = output.UnprocessedItems?.[tableName] ?? [];
      onWritten?.(pending.length - unprocessed.length);
      if (unprocessed.length === 0) return;
      if (attempt >= maxAttempts) {
        throw new Error(
          `${unprocessed.length} writes were still unprocessed after ${maxAttempts} attempts (the table is throttling); ` +
            'what was written stays written: run the same import again to finish',
        );
      }
      pending = unprocessed;
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await sleep(ceiling / 2 + random() * (ceiling / 2));
    }
  }

  async function worker(): Promise<void> {
    while (!failed && next < batches.length) {
      const batch = batches[next++] as WriteRequest[];
      try {
        await writeBatch(batch);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }

  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, batches.length)) }, () => worker());
  const results = await Promise.allSettled(workers);
  const rejection = results.find((result) => result.status === 'rejected');
  if (rejection) throw rejection.reason;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
