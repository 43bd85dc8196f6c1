import { CsvError, parse } from 'csv-parse/sync';
import { RosterFileError, type RosterRow } from './roster-row.ts';

const REQUIRED_COLUMNS = ['username', 'patientId'] as const;

/** CSV with a header row naming `username` and `patientId` (any order, other columns ignored). */
export function parseRosterCsv(text: string): RosterRow[] {
  let parsed: ParsedRecord[];
  try {
    parsed = parse(text, { info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }) as unknown as typeof parsed;
  } catch (error) {
    if (error instanceof CsvError) throw new RosterFileError((error as CsvError & { lines?: number }).lines, `not valid CSV: ${error.message}`);
    throw error;
  }
  const lineOf = lineFinder(text);
  const firstLineOf = ({ record, info }: ParsedRecord): number => {
    // A quoted value can span lines: count back from the line the record ends on.
    const innerLineBreaks = record.reduce((count, field) => count + (field.match(/\n/g)?.length ?? 0), 0);
    return lineOf(info.bytes - 1) - innerLineBreaks;
  };
  const [header, ...rows] = parsed;
  if (!header) throw new RosterFileError(1, 'is empty: expected a header row "username,patientId"');
  const names = header.record.map((name) => name.toLowerCase());
  const [usernameColumn, patientIdColumn] = REQUIRED_COLUMNS.map((column) => names.indexOf(column.toLowerCase()));
  if (usernameColumn === undefined || usernameColumn < 0 || patientIdColumn === undefined || patientIdColumn < 0) {
    throw new RosterFileError(firstLineOf(header), `header must name the columns username and patientId (found: ${header.record.join(', ')})`);
  }
  return rows.map((row) => ({
    line: firstLineOf(row),
    username: row.record[usernameColumn],
    patientId: row.record[patientIdColumn],
  }));
}

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
