import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRosterFile, parseRosterCsv, arrayElementLines, parseRosterJson, RosterFileError } from '../../../tools/patients/roster.ts';

const folder = mkdtempSync(join(tmpdir(), 'roster-file-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
};

describe('parseRosterCsv', () => {
  it('gives each row the line it starts on, across blank lines, CRLF and quoted line breaks', () => {
    const text = '\uFEFFusername,patientId\r\n\r\na@example.com,1\r\n"b@example.com","two\r\nlines"\r\nc@example.com,3\r\n';
    expect(parseRosterCsv(text)).toStrictEqual([
      { line: 3, username: 'a@example.com', patientId: '1' },
      { line: 4, username: 'b@example.com', patientId: 'two\r\nlines' },
      { line: 6, username: 'c@example.com', patientId: '3' },
    ]);
  });

  it('keeps every cell exactly as written: surrounding spaces and NBSPs are for validation to refuse, not to trim', () => {
    expect(parseRosterCsv('username, patientId\n kim.sato@example.com , 1 \nkim.sato@example.com\u00a0,\t2\n')).toStrictEqual([
      { line: 2, username: ' kim.sato@example.com ', patientId: ' 1 ' },
      { line: 3, username: 'kim.sato@example.com\u00a0', patientId: '\t2' },
    ]);
  });

  it('reads an oktaUserId column beside username, and keys an Okta-id roster by it alone', () => {
    expect(parseRosterCsv('username,oktaUserId,patientId\na@example.com,00uA1,1\n')).toStrictEqual([
      { line: 2, username: 'a@example.com', oktaUserId: '00uA1', patientId: '1' },
    ]);
    expect(parseRosterCsv('oktaUserId,patientId\n00uA1,1\n', 'oktaUserId')).toStrictEqual([
      { line: 2, oktaUserId: '00uA1', patientId: '1' },
    ]);
    expect(() => parseRosterCsv('username,patientId\na@example.com,1\n', 'oktaUserId')).toThrow(
      'header must name the columns oktaUserId and patientId (the first row has 2 cells, naming username and patientId); or pass --resolve-okta-ids to look the usernames up in Okta',
    );
  });

  it('never quotes the first row when it is data, not a header: it holds a login and a patient id', () => {
    const error = (() => {
      try {
        parseRosterCsv('kim.sato@example.com, 1235\nrajiv.tal@example.com,4235\n');
      } catch (caught) {
        return caught as RosterFileError;
      }
    })();
    expect(error).toMatchObject({
      line: 1,
      message: 'header must name the columns username and patientId (the first row has 2 cells, naming neither)',
    });
    expect(() => parseRosterCsv('Username,kim.sato@example.com,1235\n')).toThrow(
      'header must name the columns username and patientId (the first row has 3 cells, naming username)',
    );
  });

  it('finds the columns by name, in any order and case, beside other columns', () => {
    expect(parseRosterCsv('PatientID,clinic,Username\n0042,north,a@example.com\n')).toStrictEqual([
      { line: 2, username: 'a@example.com', patientId: '0042' },
    ]);
  });

  it('leaves a short row’s missing cell for validation to report', () => {
    expect(parseRosterCsv('username,patientId\na@example.com\n')).toStrictEqual([
      { line: 2, username: 'a@example.com', patientId: undefined },
    ]);
  });

  it('refuses a file without the header, or with broken quoting, naming the line', () => {
    expect(() => parseRosterCsv('login,id\na@example.com,1\n')).toThrow(
      'header must name the columns username and patientId (the first row has 2 cells, naming neither)',
    );
    expect(() => parseRosterCsv('')).toThrow(/is empty/);
    const broken = (() => {
      try {
        parseRosterCsv('username,patientId\na@example.com,1\n"b@example.com,2\n');
      } catch (error) {
        return error;
      }
    })();
    expect(broken).toBeInstanceOf(RosterFileError);
    expect(broken).toMatchObject({ line: 3, message: expect.stringMatching(/^not valid CSV/) });
  });
});

describe('parseRosterJson', () => {
  it('gives each element the line it starts on', () => {
    const text =
      '[\n  {"username": "a@example.com", "patientId": "1"},\n\n  {\n    "username": "b@x.org",\n    "patientId": "2"\n  }, 7\n]';
    expect(parseRosterJson(text)).toStrictEqual([
      { line: 2, username: 'a@example.com', patientId: '1' },
      { line: 4, username: 'b@x.org', patientId: '2' },
      { line: 7, problem: 'element 2 is not an object with username and patientId' },
    ]);
  });

  it('is not fooled by brackets, commas and escaped quotes inside strings', () => {
    expect(arrayElementLines('[{"a":"],[\\"{"},\n{"b":1}]')).toStrictEqual([1, 2]);
    expect(arrayElementLines('[ ]')).toStrictEqual([]);
  });

  it('refuses what is not a JSON array, with the line of a syntax error', () => {
    expect(() => parseRosterJson('{"username": "a"}')).toThrow(/must be a JSON array/);
    expect(() => parseRosterJson('[\n{"username": "a",}\n]')).toThrow(expect.objectContaining({ line: 2 }));
  });

  it('says where the JSON breaks without quoting it: V8’s message holds the start of the file', () => {
    expect(() => parseRosterJson('kim.sato@example.com, 1235\n')).toThrow(new RosterFileError(undefined, 'not valid JSON'));
    expect(() => parseRosterJson('[\n{"username": "kim.sato@example.com" "patientId": "1235"}\n]')).toThrow(
      new RosterFileError(2, 'not valid JSON at line 2, column 37'),
    );
    expect(() => parseRosterJson('[\n{"username": "kim.sato@example.com",')).toThrow(
      new RosterFileError(2, 'not valid JSON at line 2, column 37'),
    );
  });
});

describe('readRosterFile', () => {
  it('reads JSON by extension or by its first character, CSV otherwise', () => {
    expect(readRosterFile(file('r.json', '[{"username":"a@example.com","patientId":"1"}]'))).toHaveLength(1);
    expect(readRosterFile(file('r.txt', ' [{"username":"a@example.com","patientId":"1"}]'))).toHaveLength(1);
    expect(readRosterFile(file('r.csv', 'username,patientId\na@example.com,1\n'))).toHaveLength(1);
  });

  it('says when the file is not there', () => {
    expect(() => readRosterFile(join(folder, 'absent.csv'))).toThrow('no such file');
  });
});
