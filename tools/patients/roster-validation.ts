import { canonicalUserKey } from '../../lambda/core/user-key.ts';
import { type PatientRecord, patientKey } from '../../local/patients-table.ts';
import { checkPatientFields } from './patient-fields.ts';
import type { RosterRow } from './roster-row.ts';

export interface RowProblem {
  line: number;
  field: 'username' | 'patientId' | 'row';
  reason: string;
}

export interface ValidatedRoster {
  /** One record per username, keys normalised, in file order. */
  records: PatientRecord[];
  problems: RowProblem[];
  /** How many rows have at least one problem. */
  badRows: number;
  /** Rows that repeat a username with the same patient id: harmless, written once. */
  repeatedRows: number;
  /** Every username the file names, even on a bad row: prune must never delete those. */
  mentionedUsernames: ReadonlySet<string>;
}

/** Checks every row and the file as a whole (a username given two different patient ids). */
export function validateRoster(rows: readonly RosterRow[]): ValidatedRoster {
  const problems: RowProblem[] = [];
  const mentionedUsernames = new Set<string>();
  const goodRowsByKey = new Map<string, Array<{ line: number; patientId: string }>>();
  const badLines = new Set<number>();

  for (const row of rows) {
    const mentioned = typeof row.username === 'string' ? canonicalUserKey(row.username, 'login') : undefined;
    if (mentioned) mentionedUsernames.add(mentioned);
    if (row.problem) {
      problems.push({ line: row.line, field: 'row', reason: row.problem });
      badLines.add(row.line);
      continue;
    }
    const fieldProblems = checkPatientFields(row.username, row.patientId);
    for (const problem of fieldProblems) problems.push({ line: row.line, ...problem });
    if (fieldProblems.length > 0) {
      badLines.add(row.line);
      continue;
    }
    const key = patientKey(row.username as string);
    const seen = goodRowsByKey.get(key) ?? [];
    seen.push({ line: row.line, patientId: row.patientId as string });
    goodRowsByKey.set(key, seen);
  }

  const records: PatientRecord[] = [];
  let repeatedRows = 0;
  for (const [username, seen] of goodRowsByKey) {
    const ids = new Set(seen.map((row) => row.patientId));
    if (ids.size > 1) {
      // Either id could be the right one, so no row of that username is written.
      for (const row of seen) {
        const others = seen.filter((other) => other !== row).map((other) => other.line);
        problems.push({ line: row.line, field: 'username', reason: `duplicate username with a different patientId (also on line ${others.join(', ')})` });
        badLines.add(row.line);
      }
      continue;
    }
    records.push({ username, patientId: (seen[0] as { patientId: string }).patientId });
    repeatedRows += seen.length - 1;
  }
  problems.sort((a, b) => a.line - b.line);
  return { records, problems, badRows: badLines.size, repeatedRows, mentionedUsernames };
}
