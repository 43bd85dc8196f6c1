import { describe, expect, it, vi } from 'vitest';
import { createBasicCallerAuthenticator } from '../lambda/auth/basic-caller.ts';
import { loadConfig } from '../lambda/config.ts';
import { basicHeaderValue } from '../lambda/core/basic-auth.ts';
import type { AcceptedCredential } from '../lambda/core/ports.ts';
import { rotationCheckEventId } from '../lambda/core/hook-request.ts';
import { createHookHandler } from '../lambda/hook.ts';
import { rotationCheckRequest } from '../lambda/rotation/okta-hook-target.ts';
import { loadFixture } from './support/fixtures.ts';
import { capturedOutput, countedMetrics, hookEvent } from './reliability/support/in-process.ts';
import { LOCAL_DEFAULTS } from '../tools/cli/local-target.ts';

// The hook accepts AWSCURRENT, AWSPREVIOUS and AWSPENDING; a rotation check for a version passes with
// that version's value only while it is staged AWSPENDING, and reads no patient either way.
const current: AcceptedCredential = { username: 'okta-hook', password: 'current-pw', version: { id: 'v2', stage: 'AWSCURRENT' } };
const previous: AcceptedCredential = { username: 'okta-hook', password: 'previous-pw', version: { id: 'v1', stage: 'AWSPREVIOUS' } };
const pending: AcceptedCredential = { username: 'okta-hook', password: 'pending-pw', version: { id: 'v3', stage: 'AWSPENDING' } };
const staticCredential: AcceptedCredential = { username: 'okta-hook', password: 'static-pw' };

function hook() {
  const store = { findPatient: vi.fn(async () => ({ patientId: '1235' })), checkReadable: async () => {} };
  const output = capturedOutput();
  const handle = createHookHandler({
    config: loadConfig({ ...LOCAL_DEFAULTS }),
    store,
    caller: createBasicCallerAuthenticator({ acceptedCredentials: async () => [current, previous, pending, staticCredential] }),
    log: output.log,
    requests: output.requests,
  });
  const send = async (body: object, presented: AcceptedCredential) => {
    const answer = await handle(hookEvent({ body: JSON.stringify(body), authorization: basicHeaderValue(presented) }));
    return { status: answer.statusCode, body: answer.body };
  };
  return { send, store, output };
}

const patientRequest = loadFixture('okta-example-patient') as Record<string, unknown>;
/** The patient request marked as a rotation check: the marker alone decides, whatever else it carries. */
const markedPatientRequest = (versionId: string) => ({ ...patientRequest, eventId: rotationCheckEventId(versionId) });

describe('a rotation check (testSecret through Okta) at the hook', () => {
  it("passes with the pending version's value: 200 with an empty commands list, and no patient read", async () => {
    const h = hook();
    expect(await h.send(rotationCheckRequest('https://example.okta.com', 'v3', Date.now()), pending)).toStrictEqual({
      status: 200,
      body: '{"commands":[]}',
    });
    expect(await h.send(markedPatientRequest('v3'), pending)).toStrictEqual({ status: 200, body: '{"commands":[]}' });
    expect(h.store.findPatient).not.toHaveBeenCalled();
    expect(countedMetrics(h.output.logs)).toStrictEqual(['RotationCheckPassed', 'RotationCheckPassed']);
  });

  it("refuses AWSCURRENT's value with 401 while a normal request with it gets its usual answer", async () => {
    const h = hook();
    const refused = await h.send(markedPatientRequest('v3'), current);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body as string)).toStrictEqual({ message: 'unauthorized' });
    expect(h.store.findPatient).not.toHaveBeenCalled();
    const usual = await h.send(patientRequest, current);
    expect(usual.status).toBe(200);
    expect(JSON.parse(usual.body as string).commands[0].value[0].value).toBe('1235');
    expect(h.store.findPatient).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['AWSPREVIOUS', previous, 'v3'],
    ['a static credential (no version)', staticCredential, 'v3'],
    ['AWSCURRENT, named as the version checked', current, 'v2'],
    ['AWSPENDING, for another version', pending, 'v9'],
  ])('refuses %s with 401 and reads no patient', async (_, presented, versionId) => {
    const h = hook();
    expect((await h.send(markedPatientRequest(versionId), presented)).status).toBe(401);
    expect(h.store.findPatient).not.toHaveBeenCalled();
    expect(h.output.logs.map((line) => JSON.parse(line)).find((line) => line.reason)).toMatchObject({
      reason: 'Unauthorized',
      detail: 'NotThePendingVersion',
    });
  });
});
