import { CsvError, parse } from 'csv-parse/sync';
import { RosterFileError, type RosterRow } from './roster-row.ts';

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
