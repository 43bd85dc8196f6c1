import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensurePatientsTable, localDynamoDbCall } from '../../../local/patients-table.ts';
import { runPatientsCli } from '../../../tools/patients/cli.ts';
import { type StoredPatientId, readAllPatients } from '../../../tools/patients/patients-repository.ts';
import { runPreviewCli } from '../../../tools/preview/cli.ts';
import { type LocalHook, startLocalHook } from '../../support/local-hook.ts';
import { type CapturedIoOptions, capturedIo } from '../support/captured-io.ts';
import { localDynamoDbClient } from '../../../tools/patients/patients-table-target.ts';

let hook: LocalHook;
let port: number;
const folder = mkdtempSync(join(tmpdir(), 'patients-cli-'));
let tables = 0;

beforeAll(async () => {
  hook = await startLocalHook();
  port = hook.store?.port as number;
});
afterAll(async () => {
  await hook.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Runs `npm run patients -- <args> --local` in-process against the test's embedded store. */
async function patients(args: string[], options: CapturedIoOptions = {}) {
  const io = capturedIo({ cwd: folder, ...options, env: { DYNAMODB_PORT: String(port), ...options.env } });
  const code = await runPatientsCli([...args, '--local'], io);
  return { code, out: io.out(), err: io.err() };
}

/** A fresh table in the store, optionally with patients, so tests do not see each other's rows. */
async function freshTable(rows: Record<string, string> = {}, putOptions: string[] = []): Promise<string> {
  const name = `roster-${++tables}`;
  await ensurePatientsTable(localDynamoDbCall(hook.store?.endpoint as string), name);
  for (const [username, patientId] of Object.entries(rows))
    expect((await patients(['put', username, patientId, '--table', name, ...putOptions])).code).toBe(0);
  return name;
}

async function contents(tableName: string): Promise<Record<string, StoredPatientId>> {
  const client = localDynamoDbClient(hook.store?.endpoint as string);
  try {
    return Object.fromEntries(await readAllPatients({ client, tableName, keyKind: 'login', description: tableName }));
  } finally {
    client.destroy();
  }
}

/** An item as another tool could have written it: any key, any patientId type. */
async function putRawItem(tableName: string, username: string, patientId: Record<string, string>): Promise<void> {
  const client = localDynamoDbClient(hook.store?.endpoint as string);
  try {
    await client.send(new PutItemCommand({ TableName: tableName, Item: { username: { S: username }, patientId: patientId as never } }));
  } finally {
    client.destroy();
  }
}

/** npm itself, as the operator types it, from the package folder. */
function runNpm(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function rosterFile(name: string, text: string): string {
  writeFileSync(join(folder, name), text);
  return name;
}

describe('patients put, get, delete, list', () => {
  it('keeps one patient at a time, keyed by the lower-cased login, with the patient id as written', async () => {
    const table = await freshTable();
    expect(await patients(['put', 'Ana@Example.COM', '0042', '--table', table])).toMatchObject({
      code: 0,
      out: 'ana@example.com → 0042: added\n',
    });
    expect(await patients(['put', 'ana@example.com', '0043', '--table', table])).toMatchObject({
      out: 'ana@example.com → 0043: changed (was 0042)\n',
    });
    expect(await patients(['get', 'ANA@example.com', '--table', table])).toMatchObject({ code: 0, out: '0043\n' });
    expect(await patients(['list', '--table', table])).toMatchObject({
      code: 0,
      out: 'ana@example.com\t0043\n',
      err: `1 patient in table ${table} at http://127.0.0.1:${port}\n`,
    });
    expect(await patients(['delete', 'Ana@example.com', '--table', table])).toMatchObject({
      code: 0,
      out: 'ana@example.com deleted (was 0043)\n',
    });
    expect(await patients(['get', 'ana@example.com', '--table', table])).toMatchObject({ code: 1, out: '' });
    expect(await patients(['delete', 'ana@example.com', '--table', table])).toMatchObject({ code: 0 });
  });

  it('refuses to put a login that is not email-like, or an over-long patient id', async () => {
    const table = await freshTable();
    const result = await patients(['put', 'ana', 'x'.repeat(65), '--table', table]);
    expect(result).toMatchObject({
      code: 1,
      err: 'username: not an email-like login (name@domain.tld)\npatientId: does not match the patient id pattern [A-Za-z0-9._-]{1,64} (65 characters)\n',
    });
    expect(await contents(table)).toStrictEqual({});
  });
});

describe('patients import', () => {
  it('imports a good CSV file, and the hook then adds the claim for the new patient', async () => {
    const file = rosterFile(
      'good.csv',
      'username,patientId\nJessie.Smith@example.com,1235\nnew.patient@example.com,0042\nsam.lee@example.com,77\n',
    );
    const result = await patients(['import', file]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      new RegExp(
        `^good\\.csv → table patients at http://127\\.0\\.0\\.1:${port}: written 2 \\(2 new, 0 changed\\), unchanged 1, skipped 0 in `,
      ),
    );
    expect(result.err).toMatch(/^writing: 2\/2 rows \(100%\), [\d,]+ rows\/s$/m);
    expect(await contents('patients')).toMatchObject({ 'new.patient@example.com': '0042', 'sam.lee@example.com': '77' });

    const preview = capturedIo({ env: { PORT: new URL(hook.baseUrl).port } });
    expect(await runPreviewCli(['--user', 'New.Patient@example.com'], preview)).toBe(0);
    expect(preview.out()).toContain('+ extPatientId: "0042"');
  });

  it('stops on a file with bad rows: exit 1, each named by file, line and field, nothing written', async () => {
    const table = await freshTable({ 'kept@example.com': '9' });
    const file = rosterFile(
      'bad.csv',
      [
        'username,patientId',
        'good@example.com,1',
        'kim,2',
        ',3',
        'dup@example.com,4',
        '',
        'dup@example.com,5',
        `long@example.com,${'9'.repeat(70)}`,
        'nopatient@example.com',
      ].join('\n'),
    );
    const result = await patients(['import', file, '--table', table]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      [
        'bad.csv:3: username: not an email-like login (name@domain.tld)',
        'bad.csv:4: username: missing',
        'bad.csv:5: username: duplicate username with a different patientId (also on line 7)',
        'bad.csv:7: username: duplicate username with a different patientId (also on line 5)',
        'bad.csv:8: patientId: does not match the patient id pattern [A-Za-z0-9._-]{1,64} (70 characters)',
        'bad.csv:9: patientId: missing',
        '6 of 7 rows in bad.csv are bad: nothing was written. Fix them, or pass --skip-invalid to import the 1 good row.',
        '',
      ].join('\n'),
    );
    expect(await contents(table)).toStrictEqual({ 'kept@example.com': '9' });
  });

  it('reports a JSON roster’s bad elements by line too', async () => {
    const table = await freshTable();
    const file = rosterFile(
      'bad.json',
      '[\n  {"username": "a@example.com", "patientId": "1"},\n  "b@example.com",\n  {"username": "c@example.com", "patientId": 3}\n]\n',
    );
    const result = await patients(['import', file, '--table', table]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('bad.json:3: row: element 1 is not an object with username and patientId\n');
    expect(result.err).toContain('bad.json:4: patientId: must be a string ("01235", not a number)');
  });

  it('names the file when it cannot be read as a roster at all', async () => {
    const table = await freshTable();
    expect(await patients(['import', 'absent.csv', '--table', table])).toMatchObject({ code: 1, err: 'absent.csv: no such file\n' });
    rosterFile('headless.csv', 'a@example.com,1\n');
    expect(await patients(['import', 'headless.csv', '--table', table])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^headless\.csv:1: header must name the columns username and patientId/),
    });
  });

  it('imports the good rows with --skip-invalid and counts the bad ones as skipped', async () => {
    const table = await freshTable();
    const file = rosterFile('some-bad.csv', 'username,patientId\na@example.com,1\nnot-a-login,2\nb@example.com,3\n');
    const result = await patients(['import', file, '--skip-invalid', '--table', table]);
    expect(result.code).toBe(0);
    expect(result.err).toContain('some-bad.csv:3: username: not an email-like login');
    expect(result.out).toMatch(/written 2 \(2 new, 0 changed\), unchanged 0, skipped 1 in/);
    expect(await contents(table)).toStrictEqual({ 'a@example.com': '1', 'b@example.com': '3' });
  });

  it('writes nothing when the same file is imported again', async () => {
    const table = await freshTable();
    const file = rosterFile(
      'again.json',
      JSON.stringify([
        { username: 'a@example.com', patientId: '1' },
        { username: 'B@example.com', patientId: '2' },
        { username: 'b@example.com', patientId: '2' },
      ]),
    );
    expect((await patients(['import', file, '--table', table])).out).toMatch(
      /written 2 \(2 new, 0 changed\), unchanged 0, skipped 0, 1 repeated row counted once in/,
    );
    const again = await patients(['import', file, '--table', table]);
    expect(again.out).toMatch(/written 0 \(0 new, 0 changed\), unchanged 2, skipped 0, 1 repeated row counted once in/);
    expect(again.err).not.toContain('writing');
  });

  it('shows what would change with --dry-run, and changes nothing', async () => {
    const table = await freshTable({ 'same@example.com': '1', 'moved@example.com': '2', 'gone@example.com': '3' });
    const file = rosterFile('dry.csv', 'username,patientId\nsame@example.com,1\nmoved@example.com,20\nnew@example.com,4\n');
    const result = await patients(['import', file, '--dry-run', '--prune', '--table', table]);
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      '+ new@example.com 4\n~ moved@example.com 2 → 20\n- gone@example.com 3\n' +
        'dry run, nothing changed: would be written 2 (1 new, 1 changed), unchanged 1, skipped 0, would be deleted 1\n',
    );
    expect(await contents(table)).toStrictEqual({ 'same@example.com': '1', 'moved@example.com': '2', 'gone@example.com': '3' });
  });

  it('prunes only after a confirmation: nothing changes without a terminal or when declined', async () => {
    const table = await freshTable({ 'stays@example.com': '1', 'gone@example.com': '2' });
    const file = rosterFile('prune.csv', 'username,patientId\nstays@example.com,1\nnew@example.com,3\n');
    const noTerminal = await patients(['import', file, '--prune', '--table', table]);
    expect(noTerminal.code).toBe(1);
    expect(noTerminal.err).toContain(
      `--prune deletes 1 patient of table ${table} at http://127.0.0.1:${port} that prune.csv does not name. Nothing was changed: pass --yes to confirm`,
    );
    const questions: string[] = [];
    const declined = await patients(['import', file, '--prune', '--table', table], {
      confirm: async (question) => {
        questions.push(question);
        return false;
      },
    });
    expect(declined.code).toBe(1);
    expect(questions).toStrictEqual([
      `--prune deletes 1 patient of table ${table} at http://127.0.0.1:${port} that prune.csv does not name. Continue?`,
    ]);
    expect(await contents(table)).toStrictEqual({ 'stays@example.com': '1', 'gone@example.com': '2' });

    const confirmed = await patients(['import', file, '--prune', '--table', table], { confirm: async () => true });
    expect(confirmed.out).toMatch(/written 1 \(1 new, 0 changed\), unchanged 1, skipped 0, deleted 1 in/);
    expect(await contents(table)).toStrictEqual({ 'stays@example.com': '1', 'new@example.com': '3' });
  });

  it('prunes with --yes, keeping patients the file names on rows it skipped', async () => {
    const table = await freshTable({ 'a@example.com': '1', 'b@example.com': '2', 'c@example.com': '3' });
    const file = rosterFile('prune-yes.csv', 'username,patientId\na@example.com,1\nB@example.com,\n');
    const result = await patients(['import', file, '--prune', '--yes', '--skip-invalid', '--table', table]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/written 0 \(0 new, 0 changed\), unchanged 1, skipped 1, deleted 1 in/);
    expect(await contents(table)).toStrictEqual({ 'a@example.com': '1', 'b@example.com': '2' });
  });

  it('draws a progress bar on a terminal', async () => {
    const table = await freshTable();
    const file = rosterFile('tty.csv', 'username,patientId\na@example.com,1\n');
    const result = await patients(['import', file, '--table', table], { tty: true });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's erase-line escape is what is checked.
    expect(result.err).toMatch(/\r\u001b\[2Kwriting \[#{30}\] 100% 1\/1 rows, [\d,]+ rows\/s\n/);
  });
});

describe('one canonical key, and the hook’s patient id rule, wherever the CLI writes', () => {
  it('refuses a CSV login with a leading space or a trailing NBSP by file and line, and never trims it', async () => {
    const table = await freshTable();
    const file = rosterFile(
      'spaces.csv',
      'username,patientId\n kim.sato@example.com,6789\nkim.sato@example.com\u00a0,6789\nok@example.com,1\n',
    );
    const result = await patients(['import', file, '--table', table]);
    expect(result).toMatchObject({
      code: 1,
      err:
        'spaces.csv:2: username: has leading or trailing white space\n' +
        'spaces.csv:3: username: has leading or trailing white space\n' +
        '2 of 3 rows in spaces.csv are bad: nothing was written. Fix them, or pass --skip-invalid to import the 1 good row.\n',
    });
    expect(await contents(table)).toStrictEqual({});
  });

  it('keeps look-alike logins apart: a Kelvin sign is a login of its own, an NBSP is refused, kim.sato@example.com keeps its id', async () => {
    const table = await freshTable({ 'kim.sato@example.com': '6789' });
    const file = rosterFile(
      'look-alikes.json',
      '[\n{"username": "\u212aim.sato@example.com", "patientId": "1111"},\n{"username": "kim.sato@example.com\\u00a0", "patientId": "2222"}\n]\n',
    );
    const result = await patients(['import', file, '--skip-invalid', '--table', table]);
    expect(result.code).toBe(0);
    expect(result.err).toContain('look-alikes.json:3: username: has leading or trailing white space\n');
    expect(result.out).toMatch(/written 1 \(1 new, 0 changed\), unchanged 0, skipped 1 in/);
    expect(await contents(table)).toStrictEqual({ 'kim.sato@example.com': '6789', '\u212aim.sato@example.com': '1111' });
    expect(await patients(['get', 'KIM.SATO@example.com', '--table', table])).toMatchObject({ code: 0, out: '6789\n' });
    expect(await patients(['put', ' kim.sato@example.com', '1', '--table', table])).toMatchObject({
      code: 1,
      err: 'username: has leading or trailing white space\n',
    });
    expect(await patients(['delete', 'kim.sato@example.com\u00a0', '--table', table])).toMatchObject({
      code: 1,
      err: 'username: has leading or trailing white space\n',
    });
  });

  it('refuses a JSON number and an off-pattern patient id by line, without quoting either', async () => {
    const table = await freshTable();
    const file = rosterFile(
      'ids.json',
      '[\n{"username": "a@example.com", "patientId": 98765},\n{"username": "b@example.com", "patientId": "12/34"},\n{"username": "c@example.com", "patientId": "0042"}\n]\n',
    );
    const result = await patients(['import', file, '--table', table]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      'ids.json:2: patientId: must be a string ("01235", not a number), so leading zeros and long ids survive\n' +
        'ids.json:3: patientId: does not match the patient id pattern [A-Za-z0-9._-]{1,64} (5 characters)\n' +
        '2 of 3 rows in ids.json are bad: nothing was written. Fix them, or pass --skip-invalid to import the 1 good row.\n',
    );
    expect(result.err).not.toMatch(/98765|12\/34|@example/);
    expect(await contents(table)).toStrictEqual({});
  });

  it('takes the patient id rule from --patient-id-pattern, else PATIENT_ID_PATTERN, as the hook does', async () => {
    const table = await freshTable();
    expect(await patients(['put', 'a@example.com', '12/34', '--table', table])).toMatchObject({
      code: 1,
      err: 'patientId: does not match the patient id pattern [A-Za-z0-9._-]{1,64} (5 characters)\n',
    });
    expect(await patients(['put', 'a@example.com', '12/34', '--table', table, '--patient-id-pattern', '\\d+/\\d+'])).toMatchObject({
      code: 0,
    });
    expect(await patients(['put', 'b@example.com', 'AB-1', '--table', table], { env: { PATIENT_ID_PATTERN: '\\d+' } })).toMatchObject({
      code: 1,
      err: 'patientId: does not match the patient id pattern \\d+ (4 characters)\n',
    });
    expect(await contents(table)).toStrictEqual({ 'a@example.com': '12/34' });
  });

  it('never reads a stored Number as a patient id: import writes it again as a string, get and export refuse it, list shows its type', async () => {
    const table = await freshTable({ 'ok@example.com': '7' });
    await putRawItem(table, 'number@example.com', { N: '4235' });
    expect(await patients(['get', 'number@example.com', '--table', table])).toMatchObject({
      code: 1,
      out: '',
      err: 'the stored patientId is not a String (a Number), which the hook refuses: put it again as a string\n',
    });
    const listed = await patients(['list', '--table', table]);
    expect(listed.out).toContain('number@example.com\t4235 (a Number)\n');
    expect(listed.err).toContain(
      '1 patient shown with the type they have: the stored patientId is not a String (a Number?), which the hook refuses; put each again as a string\n',
    );
    const exported = await patients(['export', '-', '--table', table]);
    expect(exported).toMatchObject({ code: 1, out: 'username,patientId\nok@example.com,7\n' });
    expect(exported.err).toContain('1 patient left out (npm run patients -- list shows them)');

    const file = rosterFile('number.csv', 'username,patientId\nnumber@example.com,4235\n');
    expect((await patients(['import', file, '--dry-run', '--table', table])).out).toContain(
      '~ number@example.com 4235 (a Number) → 4235\n',
    );
    expect((await patients(['import', file, '--table', table])).out).toMatch(/written 1 \(0 new, 1 changed\)/);
    expect(await contents(table)).toStrictEqual({ 'ok@example.com': '7', 'number@example.com': '4235' });
  });

  it('refuses to work on a table keyed by the other kind of key', async () => {
    const table = await freshTable();
    expect(await patients(['list', '--key', 'oktaId', '--table', table])).toMatchObject({
      code: 1,
      err: `error: table ${table} at http://127.0.0.1:${port} is keyed by username, not oktaUserId: pass --key login (or set USER_KEY=login)\n`,
    });
    expect(await patients(['list', '--table', table], { env: { USER_KEY: 'oktaId' } })).toMatchObject({ code: 1 });
  });
});

describe('patients export', () => {
  it('writes the table sorted, in the import format, which re-imports unchanged', async () => {
    const anyId = ['--patient-id-pattern', '.{1,64}'];
    const table = await freshTable({ 'zoe@example.com': '2', 'al@example.com': '1, "one"' }, anyId);
    expect(await patients(['export', 'out.csv', '--table', table])).toMatchObject({
      code: 0,
      out: `exported 2 patients from table ${table} at http://127.0.0.1:${port} to out.csv\n`,
    });
    expect(readFileSync(join(folder, 'out.csv'), 'utf8')).toBe('username,patientId\nal@example.com,"1, ""one"""\nzoe@example.com,2\n');
    expect((await patients(['import', 'out.csv', '--table', table, ...anyId])).out).toMatch(/written 0 .*unchanged 2/);
    expect((await patients(['export', '-', '--table', table])).out).toBe(readFileSync(join(folder, 'out.csv'), 'utf8'));
    await patients(['export', 'out.json', '--table', table]);
    expect(JSON.parse(readFileSync(join(folder, 'out.json'), 'utf8'))).toStrictEqual([
      { username: 'al@example.com', patientId: '1, "one"' },
      { username: 'zoe@example.com', patientId: '2' },
    ]);
  });
});

describe('patients export to standard output and --out', () => {
  it('with npm run -s, writes only the CSV to standard output, which imports back unchanged', async () => {
    const table = await freshTable({ 'zoe@example.com': '2', 'al@example.com': '1' });
    const exported = await runNpm(['run', '-s', 'patients', '--', 'export', '-', '--local', '--table', table], {
      DYNAMODB_PORT: String(port),
    });
    expect(exported).toMatchObject({ code: 0, stdout: 'username,patientId\nal@example.com,1\nzoe@example.com,2\n' });
    writeFileSync(join(folder, 'piped.csv'), exported.stdout);
    expect((await patients(['import', 'piped.csv', '--table', table])).out).toMatch(/written 0 .*unchanged 2/);
  });

  it('--out FILE writes the file with mode 600, in the format its name says', async () => {
    const table = await freshTable({ 'al@example.com': '1' });
    expect(await patients(['export', '--out', 'out-option.json', '--table', table])).toMatchObject({
      code: 0,
      out: `exported 1 patient from table ${table} at http://127.0.0.1:${port} to out-option.json\n`,
    });
    expect(JSON.parse(readFileSync(join(folder, 'out-option.json'), 'utf8'))).toStrictEqual([
      { username: 'al@example.com', patientId: '1' },
    ]);
    expect(statSync(join(folder, 'out-option.json')).mode & 0o777).toBe(0o600);
    expect(await patients(['export', 'a.csv', '--out', 'b.csv', '--table', table])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^error: give export a file or --out FILE, not both;/),
    });
    expect(await patients(['list', '--out', 'b.csv', '--table', table])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^error: --out is an export option;/),
    });
  });

  it('--help says to run an export to standard output with npm run -s', async () => {
    const help = await patients(['--help']);
    expect(help.out).toContain('npm run -s patients -- export - --local > out.csv');
    expect(help.out).toContain('--out FILE');
  });
});

describe('patients: where and how', () => {
  it.each([
    [[], 'no command given'],
    [['frob'], 'unknown command "frob"'],
    [['get'], 'get takes 1 argument: get <user>'],
    [['list', 'extra'], 'list takes no arguments: list'],
    [['list', '--prune'], '--prune is an import option'],
    [['import', 'x.csv', '--concurrency', '0'], '--concurrency must be a whole number from 1 to 32'],
    [['list', '--bogus'], "Unknown option '--bogus'"],
    [['list', '--key', 'email'], '--key must be login or oktaId'],
    [['list', '--patient-id-pattern', '('], '--patient-id-pattern must be a regular expression, e.g. [A-Za-z0-9._-]{1,64}'],
    [['import', 'x.csv', '--resolve-okta-ids'], '--resolve-okta-ids needs --key oktaId (or USER_KEY=oktaId)'],
    [['list', '--left-behind', 'x.csv'], '--left-behind is a migrate option'],
    [['list', '--dry-run'], '--dry-run is an import and migrate option'],
    [['migrate'], 'migrate needs --from <login table> and --to <Okta-id table>'],
    [['migrate', '--from', 'a', '--to', 'a'], '--from and --to name the same table'],
    [['migrate', '--from', 'a', '--to', 'b', '--table', 'c'], 'migrate takes --from and --to, not --table'],
    [
      ['migrate', '--from', 'a', '--to', 'b', '--key', 'login'],
      'migrate reads a login table and writes an Okta-id table: it takes no --key',
    ],
    [['migrate', '--from', 'a', '--to', 'b', '--prune'], '--prune is an import option'],
    [['import', 'x.csv', '--okta-concurrency', '17'], '--okta-concurrency must be a whole number from 1 to 16'],
  ])('exits 2 with one line for %j', async (args, message) => {
    const io = capturedIo({ env: { DYNAMODB_PORT: String(port) } });
    expect(await runPatientsCli([...args, '--local'], io)).toBe(2);
    expect(io.err()).toMatch(/^error: [^\n]*; npm run patients -- --help shows the usage\n$/);
    expect(io.err()).toContain(`error: ${message}`);
  });

  it('reads USER_KEY and PATIENT_ID_PATTERN as the hook does, and names the variable when one is wrong', async () => {
    const io = capturedIo({ env: { DYNAMODB_PORT: String(port), USER_KEY: 'email' } });
    expect(await runPatientsCli(['list', '--local'], io)).toBe(2);
    expect(io.err()).toContain('error: USER_KEY must be login or oktaId');
    const pattern = capturedIo({ env: { DYNAMODB_PORT: String(port), PATIENT_ID_PATTERN: '[' } });
    expect(await runPatientsCli(['list', '--local'], pattern)).toBe(2);
    expect(pattern.err()).toContain('error: PATIENT_ID_PATTERN must be a regular expression');
  });

  it('needs the Okta org and a credential to look logins up, as okta:register does', async () => {
    const io = capturedIo({ env: { DYNAMODB_PORT: String(port) } });
    expect(await runPatientsCli(['migrate', '--from', 'a', '--to', 'b', '--local'], io)).toBe(2);
    expect(io.err()).toContain('error: OKTA_ORG_URL is required');
  });

  it('needs a table when not --local', async () => {
    const io = capturedIo();
    expect(await runPatientsCli(['list'], io)).toBe(2);
    expect(io.err()).toContain('which table? Pass --table NAME, set PATIENTS_TABLE, or use --local');
  });

  it('prints the usage for --help', async () => {
    const io = capturedIo();
    expect(await runPatientsCli(['--help'], io)).toBe(0);
    expect(io.out()).toContain('Exit codes: 0 done, 1 bad rows / refused / not found / failed, 2 usage error.');
    for (const topic of [
      '--key login|oktaId',
      'oktaUserId,patientId',
      '--resolve-okta-ids',
      'migrate --from <login table> --to <Okta-id table>',
      '--left-behind FILE',
      '[A-Za-z0-9._-]{1,64}',
      'nothing is trimmed',
    ]) {
      expect(io.out()).toContain(topic);
    }
    expect(io.out()).not.toContain('trimmed and lower-cased');
  });

  it('reaches AWS through the SDK’s own configuration, which honours AWS_ENDPOINT_URL_DYNAMODB', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', hook.store?.endpoint as string);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    try {
      const io = capturedIo({ env: { PATIENTS_TABLE: 'patients' } });
      expect(await runPatientsCli(['get', 'kim.sato@example.com'], io)).toBe(0);
      expect(io.out()).toBe('6789\n');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('says what to start when the local store does not answer', async () => {
    const result = await patients(['list'], { env: { DYNAMODB_PORT: '1' } });
    expect(result).toMatchObject({
      code: 1,
      err: 'error: cannot reach the local store at http://127.0.0.1:1: is npm start running (DYNAMODB_PORT)?\n',
    });
  });
});
