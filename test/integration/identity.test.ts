import { CreateTableCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { TABLE_KEY_ATTRIBUTE } from '../../lambda/core/patient-record.ts';
import { exampleFor } from '../support/fixtures.ts';
import { type LocalHook, sendToHook, startLocalHook } from '../support/local-hook.ts';
import { LOOK_ALIKE_LOGINS } from '../support/look-alike-logins.ts';
import { seedPatients } from '../support/seeded-store.ts';
import { countedMetrics } from '../reliability/support/in-process.ts';
import { localDynamoDbClient } from '../../tools/patients/patients-table-target.ts';

const idTokenClaim = (patientId: string) => ({
  commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: patientId }] }],
});
const lastLog = (hook: LocalHook) => JSON.parse(hook.logs.at(-1) as string) as Record<string, unknown>;
const lastMetric = (hook: LocalHook) => countedMetrics(hook.logs).at(-1);

/** The published example for a user with this Okta id and login. */
function requestFor(oktaUserId: string, login: string): Record<string, any> {
  const request = exampleFor(login);
  request.data.context.user.id = oktaUserId;
  request.data.access.claims.uid = oktaUserId;
  return request;
}

/** A table of rows no tool would write (a wrong type, no patientId), put as they are. */
async function createTable(store: EmbeddedDynamoDb, tableName: string, keyAttribute: string, items: Array<Record<string, AttributeValue>>) {
  const client = localDynamoDbClient(store.endpoint);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: keyAttribute, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: keyAttribute, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    for (const item of items) await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
  } finally {
    client.destroy();
  }
}

describe('one person, one patient id', () => {
  let hook: LocalHook;
  beforeAll(async () => {
    hook = await startLocalHook();
  });
  afterAll(() => hook.close());

  it.each(LOOK_ALIKE_LOGINS)('a look-alike login (%s) gets 204, never kim.sato’s claim', async (_name, login) => {
    const reply = await sendToHook(hook, exampleFor(login));
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    expect(lastLog(hook).reason).toMatch(/^(InvalidUserKey|NotAPatient)$/);
    expect(lastMetric(hook)).toBe(lastLog(hook).reason);
  });

  it('counts a login with surrounding white space as InvalidUserKey, and says which rule without the value', async () => {
    const reply = await sendToHook(hook, exampleFor('kim.sato@example.com\u00a0'));
    expect(reply.status).toBe(204);
    expect(lastLog(hook)).toMatchObject({ reason: 'InvalidUserKey', detail: 'SurroundingWhiteSpace' });
    expect(lastLog(hook)).not.toHaveProperty('userHash');
    expect(lastMetric(hook)).toBe('InvalidUserKey');
  });

  it('still finds kim.sato whatever the ASCII case of her login', async () => {
    expect((await sendToHook(hook, exampleFor('KIM.Sato@example.COM'))).json).toStrictEqual(idTokenClaim('6789'));
  });
});

describe('USER_KEY=oktaId: patients bound to Okta’s immutable user id', () => {
  let store: EmbeddedDynamoDb;
  let hook: LocalHook;
  beforeAll(async () => {
    store = await startEmbeddedDynamoDb();
    await seedPatients(store.endpoint, {
      tableName: 'patients-by-id',
      keyKind: 'oktaId',
      patients: [{ username: 'kim.sato@example.com', oktaUserId: '00uKimSato0000000001', patientId: '6789' }],
    });
    hook = await startLocalHook({ storeEndpoint: store.endpoint, env: { USER_KEY: 'oktaId', PATIENTS_TABLE: 'patients-by-id' } });
  });
  afterAll(async () => {
    await hook.close();
    await store.close();
  });

  it('serves the patient by Okta id, whatever the login is now (a renamed user)', async () => {
    const reply = await sendToHook(hook, requestFor('00uKimSato0000000001', 'kim.tanaka@example.com'));
    expect(reply.json).toStrictEqual(idTokenClaim('6789'));
  });

  it('ignores a matching login under another Okta id (a re-used login)', async () => {
    const reply = await sendToHook(hook, requestFor('00uSomeoneElse000002', 'kim.sato@example.com'));
    expect(reply.status).toBe(204);
    expect(lastLog(hook)).toMatchObject({ reason: 'NotAPatient', userHash: expect.any(String) });
  });

  it('keeps the id exactly as sent: Okta ids are case-sensitive', async () => {
    const reply = await sendToHook(hook, requestFor('00ukimsato0000000001', 'kim.sato@example.com'));
    expect(reply.status).toBe(204);
    expect(lastLog(hook)).toMatchObject({ reason: 'NotAPatient' });
    expect((await sendToHook(hook, requestFor('00uKimSato0000000001', 'KIM.SATO@example.com'))).json).toStrictEqual(idTokenClaim('6789'));
  });

  it("falls back to the access token's uid when the context has no user", async () => {
    const request = requestFor('00uKimSato0000000001', 'kim.sato@example.com');
    request.data.context.user = null;
    expect((await sendToHook(hook, request)).json).toStrictEqual(idTokenClaim('6789'));
  });
});

describe('stored values are checked before they become a claim', () => {
  const INVALID_ITEMS: Array<[string, AttributeValue | undefined]> = [
    ['a Number (04235 would become 4235)', { N: '04235' }],
    ['a map', { M: { id: { S: '4235' } } }],
    ['a list', { L: [{ S: '4235' }] }],
    ['a boolean', { BOOL: true }],
    ['a null', { NULL: true }],
    ['an empty string', { S: '' }],
    ['a 300 KB string (the answer would pass Okta’s 256 KB limit)', { S: 'x'.repeat(300 * 1024) }],
    ['a string off the pattern', { S: '4235; DROP' }],
    ['a string with a newline', { S: '4235\n' }],
    ['no patientId at all', undefined],
  ];
  // Any of those values in a log line. 4235 as a whole number only: the request ids are random hex, and
  // one held 4235 between two dashes once in a few thousand runs.
  const STORED_VALUE = /(?<![\w-])0?4235(?![\w-])|xxxx/;
  let store: EmbeddedDynamoDb;
  let hook: LocalHook;
  beforeAll(async () => {
    store = await startEmbeddedDynamoDb();
    await createTable(
      store,
      'patients',
      TABLE_KEY_ATTRIBUTE.login,
      INVALID_ITEMS.map(([, patientId], index) => ({ username: { S: `broken${index}@example.com` }, ...(patientId ? { patientId } : {}) })),
    );
    hook = await startLocalHook({ storeEndpoint: store.endpoint });
  });
  afterAll(async () => {
    await hook.close();
    await store.close();
  });

  it.each(INVALID_ITEMS.map(([name], index) => [name, index] as const))(
    '%s: no claim, InvalidPatientRecord logged without the value and counted',
    async (_name, index) => {
      const before = hook.logs.length;
      const reply = await sendToHook(hook, exampleFor(`broken${index}@example.com`));
      expect(reply.status).toBe(204);
      expect(reply.text).toBe('');
      expect(hook.logs.length).toBe(before + 1);
      const line = lastLog(hook);
      expect(line).toMatchObject({ level: 'ERROR', reason: 'InvalidPatientRecord', status: 204 });
      expect(line.detail).toMatch(/^(Missing|NotAString|Empty|TooLong|OffPattern)$/);
      expect(hook.logs.at(-1)).not.toMatch(STORED_VALUE);
      expect(lastMetric(hook)).toBe('InvalidPatientRecord');
    },
  );

  it('follows a configured PATIENT_ID_PATTERN', async () => {
    const custom = await startLocalHook({ storeEndpoint: store.endpoint, env: { PATIENT_ID_PATTERN: '[0-9]+(; DROP)?' } });
    try {
      expect((await sendToHook(custom, exampleFor('broken7@example.com'))).json).toStrictEqual(idTokenClaim('4235; DROP'));
    } finally {
      await custom.close();
    }
  });
});
