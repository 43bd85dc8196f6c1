import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { type KeyColumn, parseRosterCsv } from './roster-csv.ts';
import { parseRosterJson } from './roster-json.ts';
import { RosterFileError, type RosterRow } from './roster-row.ts';

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
