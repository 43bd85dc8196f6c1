import type { KeyField } from './patient-fields.ts';
import type { PatientRecord } from './patient-item.ts';

/** CSV in the import format: header `username,patientId` (or `oktaUserId,patientId`), one patient a line. */
export function formatRosterCsv(records: readonly PatientRecord[], keyField: KeyField = 'username'): string {
  const lines = [`${keyField},patientId`, ...records.map(({ key, patientId }) => `${csvField(key)},${csvField(patientId)}`)];
  return `${lines.join('\n')}\n`;
}

/** JSON in the import format: an array of `{ username, patientId }` (or `oktaUserId`), one patient a line. */
export function formatRosterJson(records: readonly PatientRecord[], keyField: KeyField = 'username'): string {
  if (records.length === 0) return '[]\n';
  const lines = records.map(({ key, patientId }) => `  ${JSON.stringify({ [keyField]: key, patientId })}`);
  return `[\n${lines.join(',\n')}\n]\n`;
}

// Quoting keeps a value with edge spaces visible to whoever reads the file; import never trims anyway.
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
