import { describe, expect, it } from 'vitest';
import { compilePatientIdPattern, DEFAULT_PATIENT_ID_PATTERN } from '../../../lambda/core/patient-record.ts';
import type { LoginResolution } from '../../../tools/okta/user-lookup.ts';
import { bindOktaUserIds, type RosterRules, validateRoster } from '../../../tools/patients/roster-validation.ts';

const patientIds = { pattern: compilePatientIdPattern(DEFAULT_PATIENT_ID_PATTERN), source: DEFAULT_PATIENT_ID_PATTERN };
const byLogin: RosterRules = { kind: 'login', patientIds };
const byOktaId: RosterRules = { kind: 'oktaId', patientIds };
const resolving: RosterRules = { kind: 'oktaId', patientIds, resolveLogins: true };

describe('validateRoster', () => {
  it('lower-cases usernames in ASCII and keeps patient ids exactly as written', () => {
    const roster = validateRoster([{ line: 2, username: 'Jessie.Smith@Example.COM', patientId: '0042' }], byLogin);
    expect(roster.records).toStrictEqual([{ key: 'jessie.smith@example.com', patientId: '0042' }]);
    expect(roster.problems).toStrictEqual([]);
  });

  it('refuses a username with surrounding white space rather than trimming it into another login', () => {
    const roster = validateRoster([{ line: 2, username: ' kim.sato@example.com\u00a0', patientId: '6789' }], byLogin);
    expect(roster.records).toStrictEqual([]);
    expect(roster.problems).toStrictEqual([{ line: 2, field: 'username', reason: 'has leading or trailing white space' }]);
  });

  it('never folds a look-alike login onto another: the Kelvin sign stays its own login, an NBSP is refused', () => {
    const roster = validateRoster(
      [
        { line: 2, username: 'kim.sato@example.com', patientId: '6789' },
        { line: 3, username: '\u212aim.sato@example.com', patientId: '1111' },
        { line: 4, username: 'kim.sato@example.com\u00a0', patientId: '2222' },
      ],
      byLogin,
    );
    expect(roster.records).toStrictEqual([
      { key: 'kim.sato@example.com', patientId: '6789' },
      { key: '\u212aim.sato@example.com', patientId: '1111' },
    ]);
    expect(roster.problems).toStrictEqual([{ line: 4, field: 'username', reason: 'has leading or trailing white space' }]);
  });

  it('reports every bad field with its line, without quoting the value', () => {
    const roster = validateRoster(
      [
        { line: 2, username: '', patientId: '1' },
        { line: 3, username: 'kim', patientId: '' },
        { line: 4, username: `${'a'.repeat(95)}@x.org`, patientId: 'x'.repeat(65) },
        { line: 5, username: 'b@example.com', patientId: 1235 },
        { line: 6, username: 'c@example.com', patientId: ' 7' },
        { line: 7, username: 'd@example.com', patientId: 'a\u0007b' },
        { line: 8, problem: 'element 6 is not an object with username and patientId' },
        { line: 9, username: 'e@example.com', patientId: '12/34' },
        { line: 10, username: 'f@example.com' },
      ],
      byLogin,
    );
    expect(roster.problems).toStrictEqual([
      { line: 2, field: 'username', reason: 'missing' },
      { line: 3, field: 'username', reason: 'not an email-like login (name@domain.tld)' },
      { line: 3, field: 'patientId', reason: 'is empty' },
      { line: 4, field: 'username', reason: 'longer than 100 characters (101)' },
      { line: 4, field: 'patientId', reason: 'does not match the patient id pattern [A-Za-z0-9._-]{1,64} (65 characters)' },
      { line: 5, field: 'patientId', reason: 'must be a string ("01235", not a number), so leading zeros and long ids survive' },
      {
        line: 6,
        field: 'patientId',
        reason: 'does not match the patient id pattern [A-Za-z0-9._-]{1,64} (2 characters, leading or trailing white space)',
      },
      {
        line: 7,
        field: 'patientId',
        reason: 'does not match the patient id pattern [A-Za-z0-9._-]{1,64} (3 characters, a control character)',
      },
      { line: 8, field: 'row', reason: 'element 6 is not an object with username and patientId' },
      { line: 9, field: 'patientId', reason: 'does not match the patient id pattern [A-Za-z0-9._-]{1,64} (5 characters)' },
      { line: 10, field: 'patientId', reason: 'missing' },
    ]);
    expect(roster.badRows).toBe(9);
    expect(roster.records).toStrictEqual([]);
  });

  it('applies the configured patient id pattern, as the hook would', () => {
    const digits = { pattern: compilePatientIdPattern('\\d{4}'), source: '\\d{4}' };
    const roster = validateRoster(
      [
        { line: 2, username: 'a@example.com', patientId: '1234' },
        { line: 3, username: 'b@example.com', patientId: 'AB12' },
      ],
      { kind: 'login', patientIds: digits },
    );
    expect(roster.records).toStrictEqual([{ key: 'a@example.com', patientId: '1234' }]);
    expect(roster.problems).toStrictEqual([
      { line: 3, field: 'patientId', reason: 'does not match the patient id pattern \\d{4} (4 characters)' },
    ]);
  });

  it('refuses every row of a username given two different patient ids, and writes repeats once', () => {
    const roster = validateRoster(
      [
        { line: 2, username: 'kim@example.com', patientId: '1' },
        { line: 3, username: 'jo@example.com', patientId: '5' },
        { line: 4, username: 'KIM@example.com', patientId: '2' },
        { line: 5, username: 'jo@example.com', patientId: '5' },
      ],
      byLogin,
    );
    expect(roster.problems).toStrictEqual([
      { line: 2, field: 'username', reason: 'duplicate username with a different patientId (also on line 4)' },
      { line: 4, field: 'username', reason: 'duplicate username with a different patientId (also on line 2)' },
    ]);
    expect(roster.records).toStrictEqual([{ key: 'jo@example.com', patientId: '5' }]);
    expect(roster.repeatedRows).toBe(1);
  });

  it('remembers every username the file names, bad rows included, so prune keeps them', () => {
    const roster = validateRoster(
      [
        { line: 2, username: 'Ok@example.com', patientId: '1' },
        { line: 3, username: 'bad@example.com', patientId: '' },
      ],
      byLogin,
    );
    expect([...roster.mentionedKeys]).toStrictEqual(['ok@example.com', 'bad@example.com']);
  });

  it('keys an Okta-id table by the oktaUserId column, exactly as written and case-sensitive', () => {
    const roster = validateRoster(
      [
        { line: 2, username: 'ignored', oktaUserId: '00uAbC1', patientId: '1' },
        { line: 3, oktaUserId: '00uabc1', patientId: '2' },
        { line: 4, oktaUserId: ' 00uAbC2', patientId: '3' },
        { line: 5, oktaUserId: 'kim@example.com', patientId: '4' },
        { line: 6, username: 'kim@example.com', patientId: '5' },
      ],
      byOktaId,
    );
    expect(roster.records).toStrictEqual([
      { key: '00uAbC1', patientId: '1' },
      { key: '00uabc1', patientId: '2' },
    ]);
    expect(roster.problems).toStrictEqual([
      { line: 4, field: 'oktaUserId', reason: 'has leading or trailing white space' },
      { line: 5, field: 'oktaUserId', reason: 'not an Okta user id (letters and digits, like 00u1ab2CD3ef4GH5ij6k)' },
      { line: 6, field: 'oktaUserId', reason: 'missing' },
    ]);
  });
});

describe('bindOktaUserIds', () => {
  const rows = [
    { line: 2, username: 'Kim.Sato@example.com', patientId: '6789' },
    { line: 3, username: 'gone@example.com', patientId: '1' },
    { line: 4, username: 'kim.sato', patientId: '2' },
    { line: 5, username: 'jo@example.com', oktaUserId: '00uJoWrong', patientId: '3' },
    { line: 6, username: 'al@example.com', oktaUserId: '00uAl', patientId: '4' },
  ];
  const resolutions = new Map<string, LoginResolution>([
    ['kim.sato@example.com', { outcome: 'Found', oktaUserId: '00uKim' }],
    ['gone@example.com', { outcome: 'NoSuchLogin' }],
    ['kim.sato', { outcome: 'OtherUsersLogin' }],
    ['jo@example.com', { outcome: 'Found', oktaUserId: '00uJo' }],
    ['al@example.com', { outcome: 'Found', oktaUserId: '00uAl' }],
  ]);

  it('keys each row by the id Okta gives its login, and refuses by line what Okta does not vouch for', () => {
    const roster = bindOktaUserIds(validateRoster(rows, resolving), resolutions);
    expect(roster.records).toStrictEqual([
      { key: '00uKim', patientId: '6789' },
      { key: '00uAl', patientId: '4' },
    ]);
    expect(roster.problems).toStrictEqual([
      { line: 3, field: 'username', reason: 'no Okta user has this login' },
      {
        line: 4,
        field: 'username',
        reason: "Okta's user for this login has another login (a login shortname or look-alike match): not bound",
      },
      { line: 5, field: 'oktaUserId', reason: 'is not the id of the Okta user with this login' },
    ]);
    expect(roster.badRows).toBe(3);
    expect([...roster.mentionedKeys].sort()).toStrictEqual(['00uAl', '00uJo', '00uJoWrong', '00uKim']);
  });

  it('keeps every valid oktaUserId the file gives for prune, even where the login does not resolve', () => {
    const roster = bindOktaUserIds(
      validateRoster(
        [
          { line: 2, username: 'gone@example.com', oktaUserId: '00uGone', patientId: '1' },
          { line: 3, username: 'kim.sato', oktaUserId: '00uShort', patientId: '2' },
          { line: 4, username: 'bad login@example.com ', oktaUserId: '00uPadded', patientId: '3' },
        ],
        resolving,
      ),
      resolutions,
    );
    expect(roster.records).toStrictEqual([]);
    expect([...roster.mentionedKeys].sort()).toStrictEqual(['00uGone', '00uPadded', '00uShort']);
  });

  it('takes a login that is not email-shaped: Okta is the judge of what is a login', () => {
    expect(validateRoster([{ line: 2, username: 'kim.sato', patientId: '2' }], resolving).problems).toStrictEqual([]);
  });
});
