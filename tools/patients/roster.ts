import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import { describeJsonSyntaxError, jsonSyntaxLocation } from '../../lambda/json-syntax.ts';
import type { KeyField } from './patient-fields.ts';
import type { PatientRecord } from '../../lambda/aws/dynamodb-patient-store.ts';
import type { StoredPatientId } from './patients-repository.ts';

// A roster: the file of patients that import reads and export writes (CSV or JSON), its rows exactly as
// written, and the plan of what an import changes in the table.

/** One row of a roster file as written, before any check: every value exactly as the file has it. */
export interface RosterRow {
  /** 1-based line in the file where the row starts. */
  line: number;
  username?: unknown;
  oktaUserId?: unknown;
  patientId?: unknown;
  /** Set when the row is not even shaped like a row (a JSON element that is not an object). */
  problem?: string;
}

/** A file that cannot be read as a roster at all; `line` when the parser knows where. */
export class RosterFileError extends Error {
  override name = 'RosterFileError';
  constructor(
    readonly line: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a roster: a JSON array when the file is `.json` or starts with `[`, otherwise CSV with a header
 * row that names `keyColumn` and patientId.
 */
export function readRosterFile(path: string, keyColumn: KeyColumn = 'username'): RosterRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RosterFileError(undefined, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})`);
  }
  return isJsonRoster(path, text) ? parseRosterJson(text) : parseRosterCsv(text, keyColumn);
}

function isJsonRoster(path: string, text: string): boolean {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return true;
  if (extension === '.csv') return false;
  return text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('[');
}

/** The column that must be there besides patientId: the table's key, or the login to resolve it from. */
export type KeyColumn = 'username' | 'oktaUserId';

/**
 * CSV with a header row naming `keyColumn` and `patientId`, and optionally the other of `username` and
 * `oktaUserId` (any order and case, other columns ignored). Cells are kept exactly as written: a value
 * with surrounding spaces is refused by validation, never trimmed into another login or id.
 */
export function parseRosterCsv(text: string, keyColumn: KeyColumn = 'username'): RosterRow[] {
  let parsed: ParsedRecord[];
  try {
    parsed = parse(text, { info: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as unknown as typeof parsed;
  } catch (error) {
    if (error instanceof CsvError)
      throw new RosterFileError((error as CsvError & { lines?: number }).lines, `not valid CSV: ${error.message}`);
    throw error;
  }
  const lineOf = lineFinder(text);
  const firstLineOf = ({ record, info }: ParsedRecord): number => {
    // A quoted value can span lines: count back from the line the record ends on.
    const innerLineBreaks = record.reduce((count, field) => count + (field.match(/\n/g)?.length ?? 0), 0);
    return lineOf(info.bytes - 1) - innerLineBreaks;
  };
  const [header, ...rows] = parsed;
  if (!header) throw new RosterFileError(1, `is empty: expected a header row "${keyColumn},patientId"`);
  // Header names are the file's layout, not data: they may carry spaces ("username, patientId").
  const names = header.record.map((name) => name.trim().toLowerCase());
  const column = (name: string) => names.indexOf(name.toLowerCase());
  const [keyIndex, patientIdIndex] = [column(keyColumn), column('patientId')];
  if (keyIndex < 0 || patientIdIndex < 0) {
    const hint =
      keyColumn === 'oktaUserId' && column('username') >= 0 ? '; or pass --resolve-okta-ids to look the usernames up in Okta' : '';
    // A file without a header has a login and a patient id in its first row: name only our own columns.
    const named = KNOWN_COLUMNS.filter((name) => column(name) >= 0);
    const cells = `${header.record.length} cell${header.record.length === 1 ? '' : 's'}`;
    throw new RosterFileError(
      firstLineOf(header),
      `header must name the columns ${keyColumn} and patientId (the first row has ${cells}, naming ${named.length === 0 ? 'neither' : named.join(' and ')})${hint}`,
    );
  }
  const [usernameIndex, oktaUserIdIndex] = [column('username'), column('oktaUserId')];
  return rows.map((row) => ({
    line: firstLineOf(row),
    ...(usernameIndex >= 0 ? { username: row.record[usernameIndex] } : {}),
    ...(oktaUserIdIndex >= 0 ? { oktaUserId: row.record[oktaUserIdIndex] } : {}),
    patientId: row.record[patientIdIndex],
  }));
}

const KNOWN_COLUMNS = ['username', 'oktaUserId', 'patientId'] as const;

interface ParsedRecord {
  record: string[];
  /** `bytes`: the offset just past the record and its line break. */
  info: { bytes: number };
}

// csv-parse's own line count drifts after a quoted CRLF, so lines are counted here from byte offsets.
function lineFinder(text: string): (byteOffset: number) => number {
  const bytes = Buffer.from(text, 'utf8');
  const breaks: number[] = [];
  for (let offset = bytes.indexOf(10); offset >= 0; offset = bytes.indexOf(10, offset + 1)) breaks.push(offset);
  return (byteOffset) => {
    let low = 0;
    let high = breaks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((breaks[middle] as number) < byteOffset) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  };
}

/** A JSON array of `{ "username": ..., "patientId": ... }` objects (and `"oktaUserId"`), values as written. */
export function parseRosterJson(text: string): RosterRow[] {
  const source = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new RosterFileError(jsonSyntaxLocation(error, source)?.line, describeJsonSyntaxError(error, source));
  }
  if (!Array.isArray(value)) throw new RosterFileError(undefined, 'must be a JSON array of {"username": ..., "patientId": ...} objects');
  const lines = arrayElementLines(source);
  return value.map((element: unknown, index) => {
    const line = lines[index] ?? 1;
    if (typeof element !== 'object' || element === null || Array.isArray(element)) {
      return { line, problem: `element ${index} is not an object with username and patientId` };
    }
    const { username, oktaUserId, patientId } = element as Record<string, unknown>;
    return { line, username, ...(oktaUserId === undefined ? {} : { oktaUserId }), patientId };
  });
}

/** The line each element of a top-level JSON array starts on (the text must be valid JSON). */
export function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectingElement = false;
  for (const character of text) {
    if (character === '\n') line++;
    if (inString) {
      if (escaped) escaped = false;
      else if (character === '\\') escaped = true;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === ' ' || character === '\t' || character === '\r' || character === '\n') continue;
    if (depth === 1 && expectingElement && character !== ']') {
      lines.push(line);
      expectingElement = false;
    }
    if (character === '"') inString = true;
    else if (character === '[' || character === '{') {
      depth++;
      if (depth === 1) expectingElement = true;
    } else if (character === ']' || character === '}') depth--;
    else if (character === ',' && depth === 1) expectingElement = true;
  }
  return lines;
}

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

export interface ImportPlan {
  creates: PatientRecord[];
  updates: Array<PatientRecord & { previousPatientId: StoredPatientId }>;
  unchanged: number;
  /** Table entries the file does not name; only filled when pruning. */
  deletes: Array<{ key: string; patientId: StoredPatientId }>;
}

/**
 * What an import changes, from the file's records (keys canonical) and the table as it is: rows
 * already in the table with the same patient id are not written again, so a re-import writes nothing.
 * A stored id that is not a String (a Number) is never equal: it is written again as the string.
 */
export function planImport(
  records: readonly PatientRecord[],
  existing: ReadonlyMap<string, StoredPatientId>,
  prune?: { keep: ReadonlySet<string> },
): ImportPlan {
  const plan: ImportPlan = { creates: [], updates: [], unchanged: 0, deletes: [] };
  for (const record of records) {
    if (!existing.has(record.key)) plan.creates.push(record);
    else {
      const previousPatientId = existing.get(record.key);
      if (previousPatientId !== record.patientId) plan.updates.push({ ...record, previousPatientId });
      else plan.unchanged++;
    }
  }
  if (prune) {
    for (const [key, patientId] of existing) {
      if (!prune.keep.has(key)) plan.deletes.push({ key, patientId });
    }
  }
  return plan;
}
