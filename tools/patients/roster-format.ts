import type { PatientRecord } from '../../local/patients-table.ts';

/** CSV in the import format: header `username,patientId`, one patient a line. */
export function formatRosterCsv(records: readonly PatientRecord[]): string {
  const lines = ['username,patientId', ...records.map(({ username, patientId }) => `${csvField(username)},${csvField(patientId)}`)];
  return `${lines.join('\n')}\n`;
}

/** JSON in the import format: an array of `{ username, patientId }`, one patient a line. */
export function formatRosterJson(records: readonly PatientRecord[]): string {
  if (records.length === 0) return '[]\n';
  const lines = records.map(({ username, patientId }) => `  ${JSON.stringify({ username, patientId })}`);
  return `[\n${lines.join(',\n')}\n]\n`;
}

// Import trims unquoted cells, so a value with edge spaces is quoted to survive the round trip.
function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
