import { canonicalUserKey, type UserKeyKind } from '../../lambda/core/patient-record.ts';
import type { LoginResolution } from '../okta/user-lookup.ts';
import {
  type FieldProblem,
  keyFieldOf,
  loginProblem,
  oktaUserIdProblem,
  type PatientIdRule,
  patientIdFieldProblem,
} from './patient-fields.ts';
import type { PatientRecord } from '../../lambda/aws/dynamodb-patient-store.ts';
import type { RosterRow } from './roster.ts';

export interface RowProblem {
  line: number;
  field: FieldProblem['field'] | 'row';
  reason: string;
}

export interface RosterRules {
  /** What the table is keyed by. */
  kind: UserKeyKind;
  patientIds: PatientIdRule;
  /** An oktaId table whose keys come from each row's username through Okta, not from an oktaUserId column. */
  resolveLogins?: boolean;
}

/** A good row behind a record: its line, and the oktaUserId the file gives beside a login to resolve. */
export interface SourceRow {
  line: number;
  oktaUserId?: string;
}

export interface ValidatedRoster {
  /** One record per key, keys canonical, in file order. With resolveLogins, keyed by login until bindOktaUserIds. */
  records: PatientRecord[];
  problems: RowProblem[];
  /** How many rows have at least one problem. */
  badRows: number;
  /** Rows that repeat a key with the same patient id: harmless, written once. */
  repeatedRows: number;
  /** Every key the file names, even on a bad row: prune must never delete those. */
  mentionedKeys: ReadonlySet<string>;
  /** With resolveLogins, every oktaUserId the file gives beside a login, even on a bad row: kept by prune too. */
  mentionedOktaUserIds: ReadonlySet<string>;
  /** The good rows behind each record. */
  sources: ReadonlyMap<string, readonly SourceRow[]>;
  badLines: ReadonlySet<number>;
}

const RESOLUTION_TEXT: Record<Exclude<LoginResolution['outcome'], 'Found'>, string> = {
  NoSuchLogin: 'no Okta user has this login',
  OtherUsersLogin: "Okta's user for this login has another login (a login shortname or look-alike match): not bound",
  NotLookedUp: "has a /, which Okta's Users API cannot look up by login: give the user's oktaUserId instead",
};

/**
 * Checks every row and the file as a whole (a key given two different patient ids). Keys are taken as
 * canonicalUserKey makes them: logins lower-cased in ASCII only, Okta ids exactly as written, nothing
 * trimmed or folded, so two logins Okta holds apart never become one record.
 */
export function validateRoster(rows: readonly RosterRow[], rules: RosterRules): ValidatedRoster {
  const identity: UserKeyKind = rules.resolveLogins ? 'login' : rules.kind;
  const identityField = keyFieldOf(identity);
  const problems: RowProblem[] = [];
  const mentionedKeys = new Set<string>();
  const mentionedOktaUserIds = new Set<string>();
  const goodRowsByKey = new Map<string, Array<SourceRow & { patientId: string }>>();
  const badLines = new Set<number>();
  const refuse = (line: number, field: RowProblem['field'], reason: string) => {
    problems.push({ line, field, reason });
    badLines.add(line);
  };

  for (const row of rows) {
    const value = identity === 'login' ? row.username : row.oktaUserId;
    const mentioned = typeof value === 'string' ? canonicalUserKey(value, identity) : undefined;
    if (mentioned) mentionedKeys.add(mentioned);
    const mentionedId = rules.resolveLogins && typeof row.oktaUserId === 'string' ? canonicalUserKey(row.oktaUserId, 'oktaId') : undefined;
    if (mentionedId) mentionedOktaUserIds.add(mentionedId);
    if (row.problem) {
      refuse(row.line, 'row', row.problem);
      continue;
    }
    const keyProblem = identity === 'login' ? loginProblem(value, { emailLike: !rules.resolveLogins }) : oktaUserIdProblem(value);
    if (keyProblem) refuse(row.line, identityField, keyProblem);
    const givenId = rules.resolveLogins && row.oktaUserId !== undefined && row.oktaUserId !== '' ? row.oktaUserId : undefined;
    const givenIdProblem = givenId === undefined ? undefined : oktaUserIdProblem(givenId);
    if (givenIdProblem) refuse(row.line, 'oktaUserId', givenIdProblem);
    const patientIdProblem = patientIdFieldProblem(row.patientId, rules.patientIds);
    if (patientIdProblem) refuse(row.line, 'patientId', patientIdProblem);
    if (keyProblem || givenIdProblem || patientIdProblem) continue;

    const key = canonicalUserKey(value as string, identity) as string;
    const seen = goodRowsByKey.get(key) ?? [];
    seen.push({ line: row.line, patientId: row.patientId as string, ...(givenId === undefined ? {} : { oktaUserId: givenId as string }) });
    goodRowsByKey.set(key, seen);
  }

  const records: PatientRecord[] = [];
  const sources = new Map<string, SourceRow[]>();
  let repeatedRows = 0;
  for (const [key, seen] of goodRowsByKey) {
    const ids = new Set(seen.map((row) => row.patientId));
    if (ids.size > 1) {
      // Either id could be the right one, so no row of that key is written.
      for (const row of seen) {
        const others = seen.filter((other) => other !== row).map((other) => other.line);
        refuse(row.line, identityField, `duplicate ${identityField} with a different patientId (also on line ${others.join(', ')})`);
      }
      continue;
    }
    records.push({ key, patientId: (seen[0] as { patientId: string }).patientId });
    sources.set(
      key,
      seen.map(({ line, oktaUserId }) => ({ line, ...(oktaUserId === undefined ? {} : { oktaUserId }) })),
    );
    repeatedRows += seen.length - 1;
  }
  problems.sort((a, b) => a.line - b.line);
  return { records, problems, badRows: badLines.size, repeatedRows, mentionedKeys, mentionedOktaUserIds, sources, badLines };
}

/**
 * Turns a roster keyed by login into one keyed by Okta user id, given what Okta said about each login.
 * A login Okta does not know, or that Okta matched to a user with another login (a shortname, a
 * look-alike), refuses its rows; so does an oktaUserId in the file that is not the one Okta gave.
 */
export function bindOktaUserIds(roster: ValidatedRoster, resolutions: ReadonlyMap<string, LoginResolution>): ValidatedRoster {
  const problems = [...roster.problems];
  const badLines = new Set(roster.badLines);
  const records: PatientRecord[] = [];
  const sources = new Map<string, SourceRow[]>();
  let repeatedRows = 0;
  for (const record of roster.records) {
    const rows = roster.sources.get(record.key) ?? [];
    const resolution = resolutions.get(record.key) ?? { outcome: 'NoSuchLogin' };
    if (resolution.outcome !== 'Found') {
      for (const { line } of rows) {
        problems.push({ line, field: 'username', reason: RESOLUTION_TEXT[resolution.outcome] });
        badLines.add(line);
      }
      continue;
    }
    const good = rows.filter(({ line, oktaUserId }) => {
      if (oktaUserId === undefined || oktaUserId === resolution.oktaUserId) return true;
      problems.push({ line, field: 'oktaUserId', reason: 'is not the id of the Okta user with this login' });
      badLines.add(line);
      return false;
    });
    if (good.length === 0) continue;
    records.push({ key: resolution.oktaUserId, patientId: record.patientId });
    sources.set(resolution.oktaUserId, good);
    repeatedRows += good.length - 1;
  }
  // An id the file gives is kept even when its login does not resolve: the file still names that item.
  const mentionedKeys = new Set<string>(roster.mentionedOktaUserIds);
  for (const login of roster.mentionedKeys) {
    const resolution = resolutions.get(login);
    if (resolution?.outcome === 'Found') mentionedKeys.add(resolution.oktaUserId);
  }
  problems.sort((a, b) => a.line - b.line);
  return {
    records,
    problems,
    badRows: badLines.size,
    repeatedRows,
    mentionedKeys,
    mentionedOktaUserIds: roster.mentionedOktaUserIds,
    sources,
    badLines,
  };
}
