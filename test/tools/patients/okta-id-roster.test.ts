import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UserKeyKind } from '../../../lambda/core/patient-record.ts';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from '../../../local/embedded-dynamodb.ts';
import { ensurePatientsTable, localDynamoDbCall } from '../../../local/patients-table.ts';
import { buildHookRequest } from '../../../tools/okta/request-shapes.ts';
import { runPatientsCli } from '../../../tools/patients/cli.ts';
import { type StoredPatientId, readAllPatients } from '../../../tools/patients/patients-repository.ts';
import { API_TOKEN, type FakeOkta, startFakeOkta } from '../../oauth/support/fake-okta.ts';
import { sendToHook, startLocalHook } from '../../support/local-hook.ts';
import { type CapturedIoOptions, capturedIo } from '../support/captured-io.ts';
import { localDynamoDbClient } from '../../../tools/patients/patients-table-target.ts';

// Okta user ids: 20 characters, case-sensitive. Jessie's is the one in Okta's example request.
const JESSIE = '00uq8tMo3zV0OfJON0g3';
const KIM = '00uKimSato1234567890';
const RAJIV = '00uRajivTal123456789';
const PAT = '00uPatPlus1234567890';

let store: EmbeddedDynamoDb;
let okta: FakeOkta;
const folder = mkdtempSync(join(tmpdir(), 'okta-id-roster-'));
let tables = 0;

beforeAll(async () => {
  [store, okta] = await Promise.all([startEmbeddedDynamoDb(), startFakeOkta()]);
  okta.addUser({ login: 'jessie.smith@example.com', id: JESSIE });
  okta.addUser({ login: 'kim.sato@example.com', id: KIM });
  okta.addUser({ login: 'rajiv.tal@example.com', id: RAJIV });
  okta.addUser({ login: 'pat+plus@example.com', id: PAT, status: 'SUSPENDED' });
});
afterAll(async () => {
  await Promise.all([store.close(), okta.close()]);
  rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => {
  okta.requests.length = 0;
});

/** Runs `npm run patients -- <args> --local` in-process, with the Okta org as okta:register takes it. */
async function patients(args: string[], options: CapturedIoOptions = {}) {
  const env = { DYNAMODB_PORT: String(store.port), OKTA_ORG_URL: okta.orgUrl, OKTA_API_TOKEN: API_TOKEN, ...options.env };
  const io = capturedIo({ cwd: folder, ...options, env });
  const code = await runPatientsCli([...args, '--local'], io);
  const result = { code, out: io.out(), err: io.err() };
  expect(result.out + result.err).not.toContain(API_TOKEN);
  return result;
}

async function freshTable(kind: UserKeyKind, rows: Record<string, string> = {}): Promise<string> {
  const name = `${kind === 'login' ? 'logins' : 'ids'}-${++tables}`;
  await ensurePatientsTable(localDynamoDbCall(store.endpoint), name, kind);
  for (const [user, patientId] of Object.entries(rows))
    expect((await patients(['put', user, patientId, '--table', name, '--key', kind])).code).toBe(0);
  return name;
}

async function contents(tableName: string, keyKind: UserKeyKind = 'oktaId'): Promise<Record<string, StoredPatientId>> {
  const client = localDynamoDbClient(store.endpoint);
  try {
    return Object.fromEntries(await readAllPatients({ client, tableName, keyKind, description: tableName }));
  } finally {
    client.destroy();
  }
}

async function putRawLoginItem(tableName: string, username: string, patientId: Record<string, string>): Promise<void> {
  const client = localDynamoDbClient(store.endpoint);
  try {
    await client.send(new PutItemCommand({ TableName: tableName, Item: { username: { S: username }, patientId: patientId as never } }));
  } finally {
    client.destroy();
  }
}

/** The progress lines' rates are counts the machine's speed decides, which may be any patient id or count a test looks for. */
const withoutRates = (text: string) => text.replace(/[\d,]+ rows\/s/g, 'N rows/s');

function rosterFile(name: string, text: string): string {
  writeFileSync(join(folder, name), text);
  return name;
}

const lookups = () => okta.requests.filter(({ path }) => path.startsWith('/api/v1/users/')).map(({ path }) => path);

describe('a table keyed by Okta user id (--key oktaId)', () => {
  it('keys put, get, list and export by oktaUserId, exactly as given, and re-imports the export unchanged', async () => {
    const table = await freshTable('oktaId');
    expect(await patients(['put', KIM, '6789', '--table', table, '--key', 'oktaId'])).toMatchObject({
      code: 0,
      out: `${KIM} → 6789: added\n`,
    });
    expect(await patients(['get', KIM.toLowerCase(), '--table', table, '--key', 'oktaId'])).toMatchObject({
      code: 1,
      err: `not in table ${table} at ${store.endpoint}\n`,
    });
    expect(await patients(['get', KIM, '--table', table], { env: { USER_KEY: 'oktaId' } })).toMatchObject({ code: 0, out: '6789\n' });
    expect(await patients(['list', '--table', table, '--key', 'oktaId'])).toMatchObject({ code: 0, out: `${KIM}\t6789\n` });
    expect(await patients(['export', 'ids.csv', '--table', table, '--key', 'oktaId'])).toMatchObject({ code: 0 });
    expect(readFileSync(join(folder, 'ids.csv'), 'utf8')).toBe(`oktaUserId,patientId\n${KIM},6789\n`);
    expect((await patients(['import', 'ids.csv', '--table', table, '--key', 'oktaId'])).out).toMatch(
      /written 0 \(0 new, 0 changed\), unchanged 1/,
    );
    expect(await patients(['put', 'kim.sato@example.com', '6789', '--table', table, '--key', 'oktaId'])).toMatchObject({
      code: 1,
      err: 'oktaUserId: not an Okta user id (letters and digits, like 00u1ab2CD3ef4GH5ij6k)\n',
    });
    expect(okta.requests).toHaveLength(0);
  });

  it('imports a roster with an oktaUserId column without asking Okta, and refuses a padded id by line', async () => {
    const table = await freshTable('oktaId');
    const file = rosterFile(
      'with-ids.csv',
      `username,oktaUserId,patientId\nkim.sato@example.com,${KIM},6789\nrajiv.tal@example.com,${RAJIV} ,4235\n`,
    );
    expect(await patients(['import', file, '--table', table, '--key', 'oktaId'])).toMatchObject({
      code: 1,
      err: 'with-ids.csv:3: oktaUserId: has leading or trailing white space\n1 of 2 rows in with-ids.csv is bad: nothing was written. Fix them, or pass --skip-invalid to import the 1 good row.\n',
    });
    expect((await patients(['import', file, '--table', table, '--key', 'oktaId', '--skip-invalid'])).code).toBe(0);
    expect(await contents(table)).toStrictEqual({ [KIM]: '6789' });
    expect(okta.requests).toHaveLength(0);
  });

  it('asks for the oktaUserId column, or --resolve-okta-ids, when the roster has usernames only', async () => {
    const table = await freshTable('oktaId');
    const file = rosterFile('logins-only.csv', 'username,patientId\nkim.sato@example.com,6789\n');
    expect(await patients(['import', file, '--table', table, '--key', 'oktaId'])).toMatchObject({
      code: 1,
      err: 'logins-only.csv:1: header must name the columns oktaUserId and patientId (the first row has 2 cells, naming username and patientId); or pass --resolve-okta-ids to look the usernames up in Okta\n',
    });
  });
});

describe('patients import --resolve-okta-ids', () => {
  it('keys each row by the id of the Okta user with that login, looked up URL-encoded, case-insensitively', async () => {
    const table = await freshTable('oktaId');
    const file = rosterFile('resolve.csv', 'username,patientId\nKim.Sato@Example.com,6789\npat+plus@example.com,0042\n');
    const result = await patients(['import', file, '--table', table, '--key', 'oktaId', '--resolve-okta-ids']);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/^looking logins up in Okta: 2\/2 rows \(100%\)/m);
    expect(result.out).toMatch(/written 2 \(2 new, 0 changed\), unchanged 0, skipped 0 in/);
    expect(await contents(table)).toStrictEqual({ [KIM]: '6789', [PAT]: '0042' });
    expect(lookups().sort()).toStrictEqual(['/api/v1/users/kim.sato%40example.com', '/api/v1/users/pat%2Bplus%40example.com']);
  });

  it('reports a login Okta does not know by line, without quoting it, and writes nothing unless --skip-invalid', async () => {
    const table = await freshTable('oktaId');
    const file = rosterFile('unknown.csv', 'username,patientId\nkim.sato@example.com,6789\nnobody@example.com,555\n');
    const refused = await patients(['import', file, '--table', table, '--key', 'oktaId', '--resolve-okta-ids']);
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.err).toContain(
      'unknown.csv:3: username: no Okta user has this login\n1 of 2 rows in unknown.csv is bad: nothing was written. Fix them, or pass --skip-invalid to import the 1 good row.\n',
    );
    expect(withoutRates(refused.err)).not.toMatch(/nobody|\b555\b/);
    expect(await contents(table)).toStrictEqual({});
    const skipped = await patients(['import', file, '--table', table, '--key', 'oktaId', '--resolve-okta-ids', '--skip-invalid']);
    expect(skipped.out).toMatch(/written 1 \(1 new, 0 changed\), unchanged 0, skipped 1 in/);
    expect(await contents(table)).toStrictEqual({ [KIM]: '6789' });
  });

  it('never binds someone else’s patient id: a login shortname or a Kelvin-sign look-alike Okta matches to kim is refused by line', async () => {
    const table = await freshTable('oktaId', { [KIM]: '6789' });
    const file = rosterFile(
      'traps.json',
      '[\n{"username": "kim.sato", "patientId": "9999"},\n{"username": "\u212aim.sato@example.com", "patientId": "8888"},\n{"username": "kim.sato@example.com\\u00a0", "patientId": "7777"}\n]\n',
    );
    const result = await patients(['import', file, '--table', table, '--key', 'oktaId', '--resolve-okta-ids', '--skip-invalid']);
    expect(result.code).toBe(0);
    expect(result.err).toContain(
      "traps.json:2: username: Okta's user for this login has another login (a login shortname or look-alike match): not bound\n" +
        "traps.json:3: username: Okta's user for this login has another login (a login shortname or look-alike match): not bound\n" +
        'traps.json:4: username: has leading or trailing white space\n',
    );
    expect(result.out).toMatch(/written 0 \(0 new, 0 changed\), unchanged 0, skipped 3 in/);
    expect(await contents(table)).toStrictEqual({ [KIM]: '6789' });
    // The NBSP row never reached Okta: it was refused before any lookup.
    expect(lookups().sort()).toStrictEqual(['/api/v1/users/%E2%84%AAim.sato%40example.com', '/api/v1/users/kim.sato']);
  });

  it('prunes nothing the file names by oktaUserId, even on a row whose login Okta does not know', async () => {
    const GONE = '00uGoneUser123456789';
    const table = await freshTable('oktaId', { [KIM]: '6789', [GONE]: '1111', [RAJIV]: '4235' });
    const file = rosterFile(
      'prune-ids.csv',
      `username,oktaUserId,patientId\nkim.sato@example.com,,6789\nrenamed@example.com,${GONE},1111\n`,
    );
    const result = await patients([
      'import',
      file,
      '--table',
      table,
      '--key',
      'oktaId',
      '--resolve-okta-ids',
      '--prune',
      '--skip-invalid',
      '--yes',
    ]);
    expect(result.code).toBe(0);
    expect(result.err).toContain('prune-ids.csv:3: username: no Okta user has this login\n');
    expect(await contents(table)).toStrictEqual({ [KIM]: '6789', [GONE]: '1111' });
  });

  it('checks an oktaUserId column against the id Okta gives the login', async () => {
    const table = await freshTable('oktaId');
    const file = rosterFile(
      'both.csv',
      `username,oktaUserId,patientId\nkim.sato@example.com,${RAJIV},6789\nrajiv.tal@example.com,${RAJIV},4235\n`,
    );
    const result = await patients(['import', file, '--table', table, '--key', 'oktaId', '--resolve-okta-ids']);
    expect(result).toMatchObject({ code: 1 });
    expect(result.err).toContain('both.csv:2: oktaUserId: is not the id of the Okta user with this login\n');
  });

  it('waits out Okta’s 429s and goes on', async () => {
    const table = await freshTable('oktaId');
    const file = rosterFile('throttled.csv', 'username,patientId\nkim.sato@example.com,6789\nrajiv.tal@example.com,4235\n');
    okta.throttleUserLookups(2);
    const result = await patients(['import', file, '--table', table, '--key', 'oktaId', '--resolve-okta-ids', '--okta-concurrency', '1']);
    expect(result.code).toBe(0);
    expect(lookups()).toHaveLength(4);
    expect(await contents(table)).toStrictEqual({ [KIM]: '6789', [RAJIV]: '4235' });
  });

  it('stops with one line, no login in it, when Okta keeps answering 429', async () => {
    const table = await freshTable('oktaId');
    const file = rosterFile('throttled-out.csv', 'username,patientId\nkim.sato@example.com,6789\n');
    okta.throttleUserLookups(4);
    expect(await patients(['import', file, '--table', table, '--key', 'oktaId', '--resolve-okta-ids'])).toMatchObject({
      code: 1,
      err: 'error: Okta answered 429 to GET /api/v1/users/{login}: E0000047\n  hint: Okta rate limit: wait a minute and run again\n',
    });
    expect(await contents(table)).toStrictEqual({});
  });
});

describe('patients migrate', () => {
  /** The seed's three patients and what a login table collects over the years. */
  async function loginTable(): Promise<string> {
    const table = await freshTable('login', {
      'jessie.smith@example.com': '1235',
      'kim.sato@example.com': '6789',
      'rajiv.tal@example.com': '4235',
      'gone@example.com': '555',
    });
    await putRawLoginItem(table, 'Legacy@Example.com', { S: '777' });
    await putRawLoginItem(table, 'number@example.com', { N: '42' });
    return table;
  }

  it('prints what a dry run would write, counts what it leaves behind without naming it, and writes nothing', async () => {
    const [from, to] = [await loginTable(), await freshTable('oktaId', { [RAJIV]: '4235', [KIM]: '9999' })];
    const result = await patients(['migrate', '--from', from, '--to', to, '--dry-run']);
    expect(result.code).toBe(1);
    expect(result.out).toBe(
      `+ ${JESSIE} 1235\ndry run, nothing changed: ${from} → ${to}: would be written 1, unchanged 1, conflicts 1, left behind 3\n`,
    );
    expect(result.err).toContain(
      `conflict: ${KIM} already has a different patientId in table ${to} at ${store.endpoint}: not overwritten\n`,
    );
    expect(result.err).toContain('1 item left behind: no Okta user has this login\n');
    expect(result.err).toContain(
      '1 item left behind: the key is no canonical login (upper case, surrounding white space...): the hook never reads it\n',
    );
    expect(result.err).toContain(
      '1 item left behind: the patientId is not a String or is off the patient id pattern: the hook refuses it\n',
    );
    expect(result.err).toContain('pass --left-behind FILE to list them');
    // Okta user ids may show (they name no one outside Okta); logins and patient ids may not.
    expect(withoutRates(result.err)).not.toMatch(/@example|legacy|\b(1235|6789|4235|9999|555|777|42)\b/i);
    expect(await contents(to)).toStrictEqual({ [RAJIV]: '4235', [KIM]: '9999' });
  });

  it('copies what resolves, never overwrites a conflict, writes nothing on a second run, and lists what it left behind in a file', async () => {
    const [from, to] = [await loginTable(), await freshTable('oktaId', { [RAJIV]: '4235', [KIM]: '9999' })];
    const first = await patients(['migrate', '--from', from, '--to', to, '--left-behind', 'left.csv']);
    expect(first.code).toBe(1);
    expect(first.out).toMatch(new RegExp(`^${from} → ${to}: written 1, unchanged 1, conflicts 1, left behind 3 in [\\d.]+ s\\n$`));
    expect(first.err).toContain('4 items left behind listed in left.csv\n');
    expect(await contents(to)).toStrictEqual({ [JESSIE]: '1235', [RAJIV]: '4235', [KIM]: '9999' });
    expect(readFileSync(join(folder, 'left.csv'), 'utf8')).toBe(
      [
        'username,patientId,oktaUserId,reason',
        'Legacy@Example.com,777,,"the key is no canonical login (upper case, surrounding white space...): the hook never reads it"',
        'gone@example.com,555,,no Okta user has this login',
        `kim.sato@example.com,6789,${KIM},the Okta user already has a different patientId in the target table: not overwritten`,
        'number@example.com,42 (a Number),,the patientId is not a String or is off the patient id pattern: the hook refuses it',
        '',
      ].join('\n'),
    );
    expect(statSync(join(folder, 'left.csv')).mode & 0o777).toBe(0o600);

    const second = await patients(['migrate', '--from', from, '--to', to]);
    expect(second.out).toMatch(/: written 0, unchanged 2, conflicts 1, left behind 3 in/);
    expect(second.err).not.toContain('writing');
    expect(await contents(to)).toStrictEqual({ [JESSIE]: '1235', [RAJIV]: '4235', [KIM]: '9999' });
  });

  it('exits 0 when everything is copied, and the hook keyed by Okta user id then adds the claim', async () => {
    const from = await freshTable('login', { 'jessie.smith@example.com': '1235', 'rajiv.tal@example.com': '4235' });
    const to = await freshTable('oktaId');
    expect(await patients(['migrate', '--from', from, '--to', to])).toMatchObject({
      code: 0,
      out: expect.stringMatching(/written 2, unchanged 0, conflicts 0, left behind 0 in/),
    });
    expect((await patients(['migrate', '--from', from, '--to', to])).out).toMatch(/written 0, unchanged 2, conflicts 0, left behind 0 in/);

    const hook = await startLocalHook({ storeEndpoint: store.endpoint, env: { USER_KEY: 'oktaId', PATIENTS_TABLE: to } });
    try {
      const reply = await sendToHook(hook, buildHookRequest('example'));
      expect(reply.status).toBe(200);
      expect(reply.json).toMatchObject({
        commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: '1235' }] }],
      });
    } finally {
      await hook.close();
    }
  });

  it('refuses tables of the wrong key before it reads or writes anything', async () => {
    const [logins, ids] = [await freshTable('login'), await freshTable('oktaId')];
    expect(await patients(['migrate', '--from', ids, '--to', logins])).toMatchObject({
      code: 1,
      err: `error: table ${ids} at ${store.endpoint} is keyed by oktaUserId, not username: --from must name a login table (keyed by username)\n`,
    });
    expect(await patients(['migrate', '--from', logins, '--to', 'absent'])).toMatchObject({
      code: 1,
      err: `error: table absent at ${store.endpoint} does not exist (check the name and AWS region)\n`,
    });
    expect(okta.requests).toHaveLength(0);
  });
});
