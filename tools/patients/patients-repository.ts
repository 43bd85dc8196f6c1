import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { type PatientRecord, patientItem, patientKey } from '../../local/patients-table.ts';
import type { PatientsTable } from './patients-table-target.ts';

/** The patient id stored for a username, if any. */
export async function getPatientId({ client, tableName }: PatientsTable, username: string): Promise<string | undefined> {
  const output = await client.send(new GetItemCommand({ TableName: tableName, Key: keyOf(username), ConsistentRead: true }));
  return patientIdOf(output.Item);
}

/** Writes one patient; returns the patient id it replaced, if any. */
export async function putPatient({ client, tableName }: PatientsTable, record: PatientRecord): Promise<string | undefined> {
  const output = await client.send(new PutItemCommand({ TableName: tableName, Item: patientItem(record), ReturnValues: 'ALL_OLD' }));
  return patientIdOf(output.Attributes);
}

/** Deletes one patient; returns the patient id it had, or undefined when there was none. */
export async function deletePatient({ client, tableName }: PatientsTable, username: string): Promise<string | undefined> {
  const output = await client.send(new DeleteItemCommand({ TableName: tableName, Key: keyOf(username), ReturnValues: 'ALL_OLD' }));
  return patientIdOf(output.Attributes);
}

/** The whole table, one Scan page (up to 1 MB) at a time. */
export async function* scanPatientPages({ client, tableName }: PatientsTable): AsyncGenerator<PatientRecord[]> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const output = await client.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: '#username, #patientId',
        ExpressionAttributeNames: { '#username': 'username', '#patientId': 'patientId' },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const page: PatientRecord[] = [];
    for (const item of output.Items ?? []) {
      const username = item.username?.S;
      const patientId = patientIdOf(item);
      if (username !== undefined && patientId !== undefined) page.push({ username, patientId });
    }
    yield page;
    startKey = output.LastEvaluatedKey;
  } while (startKey);
}

/** The whole table as username → patient id. */
export async function readAllPatients(table: PatientsTable, onPage?: (count: number) => void): Promise<Map<string, string>> {
  const patients = new Map<string, string>();
  for await (const page of scanPatientPages(table)) {
    for (const { username, patientId } of page) patients.set(username, patientId);
    onPage?.(page.length);
  }
  return patients;
}

function keyOf(username: string): Record<string, AttributeValue> {
  return { username: { S: patientKey(username) } };
}

// The hook reads a numeric patientId too, so the tools do as well.
function patientIdOf(item: Record<string, AttributeValue> | undefined): string | undefined {
  return item?.patientId?.S ?? item?.patientId?.N;
}
