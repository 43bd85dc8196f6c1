import { describe, expect, it } from 'vitest';
import { validateRoster } from '../../../tools/patients/roster-validation.ts';

describe('validateRoster', () => {
  it('lower-cases usernames in ASCII and keeps patient ids exactly as written', () => {
    const roster = validateRoster([{ line: 2, username: 'Jessie.Smith@Example.COM', patientId: '0042' }]);
    expect(roster.records).toStrictEqual([{ username: 'jessie.smith@example.com', patientId: '0042' }]);
    expect(roster.problems).toStrictEqual([]);
  });

  it('refuses a username with surrounding white space rather than trimming it into another login', () => {
    const roster = validateRoster([{ line: 2, username: ' kim.sato@example.com\u00a0', patientId: '6789' }]);
    expect(roster.records).toStrictEqual([]);
    expect(roster.problems).toStrictEqual([{ line: 2, field: 'username', reason: 'has leading or trailing white space' }]);
  });

  it('reports every bad field with its line, without quoting the value', () => {
    const roster = validateRoster([
      { line: 2, username: '', patientId: '1' },
      { line: 3, username: 'kim', patientId: '' },
      { line: 4, username: `${'a'.repeat(95)}@x.org`, patientId: 'x'.repeat(65) },
      { line: 5, username: 'b@example.com', patientId: 1235 },
      { line: 6, username: 'c@example.com', patientId: ' 7' },
      { line: 7, username: 'd@example.com', patientId: 'a\u0007b' },
      { line: 8, problem: 'element 6 is not an object with username and patientId' },
    ]);
    expect(roster.problems).toStrictEqual([
      { line: 2, field: 'username', reason: 'missing' },
      { line: 3, field: 'username', reason: 'not an email-like login (name@domain.tld)' },
      { line: 3, field: 'patientId', reason: 'missing' },
      { line: 4, field: 'username', reason: 'longer than 100 characters (101)' },
      { line: 4, field: 'patientId', reason: 'longer than 64 characters (65)' },
      { line: 5, field: 'patientId', reason: 'must be a string ("1235", not 1235), so leading zeros and long ids survive' },
      { line: 6, field: 'patientId', reason: 'has leading or trailing spaces' },
      { line: 7, field: 'patientId', reason: 'contains control characters' },
      { line: 8, field: 'row', reason: 'element 6 is not an object with username and patientId' },
    ]);
    expect(roster.badRows).toBe(7);
    expect(roster.records).toStrictEqual([]);
  });

  it('refuses every row of a username given two different patient ids, and writes repeats once', () => {
    const roster = validateRoster([
      { line: 2, username: 'kim@example.com', patientId: '1' },
      { line: 3, username: 'jo@example.com', patientId: '5' },
      { line: 4, username: 'KIM@example.com', patientId: '2' },
      { line: 5, username: 'jo@example.com', patientId: '5' },
    ]);
    expect(roster.problems).toStrictEqual([
      { line: 2, field: 'username', reason: 'duplicate username with a different patientId (also on line 4)' },
      { line: 4, field: 'username', reason: 'duplicate username with a different patientId (also on line 2)' },
    ]);
    expect(roster.records).toStrictEqual([{ username: 'jo@example.com', patientId: '5' }]);
    expect(roster.repeatedRows).toBe(1);
  });

  it('remembers every username the file names, bad rows included, so prune keeps them', () => {
    const roster = validateRoster([
      { line: 2, username: 'Ok@example.com', patientId: '1' },
      { line: 3, username: 'bad@example.com', patientId: '' },
    ]);
    expect([...roster.mentionedUsernames]).toStrictEqual(['ok@example.com', 'bad@example.com']);
  });
});
