import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { TABLE_KEY_ATTRIBUTE } from '../../lambda/core/patient-record.ts';
import {
  type PatientRecord,
  patientItem,
  patientItemKey,
  type StoredPatientId,
  type StoredPatientRecord,
  storedPatientId,
  storedPatientRecord,
} from './patient-item.ts';
import type { PatientsTable } from './patients-table-target.ts';

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
        ExpressionAttributeNames: { '#key': TABLE_KEY_ATTRIBUTE[keyKind], '#patientId': 'patientId' },
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
