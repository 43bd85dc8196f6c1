import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createIssuerLoopWarning } from './auth/issuer-loop.ts';
import { HEALTH_PATH, type HookConfig } from './config.ts';
import {
  type Answer,
  buildCommands,
  commandsAnswer,
  eventTimeProblem,
  HookError,
  healthAnswer,
  noContent,
  parseHookRequest,
  passesRotationCheck,
  problem,
  rotationCheckVersion,
  signInError,
  tokensToPatch,
} from './core/hook-request.ts';
import { patientIdProblem, resolveUserKey } from './core/patient-record.ts';
import type { CallerAuthenticator, CallerVerdict, PatientStore, StoredPatient } from './core/ports.ts';
import { createUserHasher, describeError, type Logger, type RequestLog } from './observability.ts';
import { type RequestDeadline, startRequestDeadline, untilDeadline } from './request-deadline.ts';

/** Okta refuses responses over 256 KB and sends requests far smaller; a bigger body is not Okta. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface HookDependencies {
  config: HookConfig;
  store: PatientStore;
  /** Who may call: the Basic or the Bearer check (lambda/auth). */
  caller: CallerAuthenticator;
  log: Logger;
  /** Each request's one line: the log entry and its metrics. */
  requests: RequestLog;
  /** The user hash in that line; by default an HMAC with `config.userHashKey` (a random key when absent). */
  hashUser?: (userKey: string) => string;
}

/** Lambda passes its context (the local server a stand-in); its request id is the one Lambda's own lines carry. */
export type HookHandler = (event: APIGatewayProxyEventV2, context?: Pick<Context, 'awsRequestId'>) => Promise<Answer>;

interface Outcome {
  answer: Answer;
  /** Why this answer: the line's and the metric's name for it. */
  reason: string;
  userHash?: string;
  /** Which check refused the caller or the record (a reason code, never the value). */
  detail?: string;
  error?: unknown;
  /** Logged as an error although nothing was thrown (a bad record in the table). */
  fault?: boolean;
}

/**
 * The whole hook as one function of an API Gateway v2 event. It never throws: anything unexpected
 * answers by the failure policy, since Okta treats any failure as "mint without the claim" anyway.
 */
export function createHookHandler({
  config,
  store,
  caller,
  log,
  requests,
  hashUser = createUserHasher(config.userHashKey),
}: HookDependencies): HookHandler {
  const warnOnIssuerLoop = createIssuerLoopWarning('oauth' in config.credential ? config.credential.oauth.issuer : undefined, log);
  const onFailure = (): Answer => (config.failureMode === 'closed' ? signInError(config.failureMessage) : noContent());

  const unauthorized = (): Answer => problem(401, 'unauthorized', { 'www-authenticate': caller.challenge });

  async function authenticate(header: string | undefined, deadline: RequestDeadline): Promise<CallerVerdict> {
    return caller
      .authenticate(header, deadline.signal)
      .catch((error: unknown): CallerVerdict => ({ allowed: false, reason: 'CredentialSourceUnavailable', error }));
  }

  /**
   * The rotation's testSecret, through Okta's execute (core/hook-request.ts): passes only with the value
   * of the version it names, staged AWSPENDING; any other is refused like a wrong caller. Reads no patient.
   * A pass is a valid empty answer of the contract, which Okta's execute passes back.
   */
  function answerRotationCheck(versionId: string, verdict: CallerVerdict & { allowed: true }): Outcome {
    if (!passesRotationCheck(versionId, verdict.secretVersions))
      return { answer: unauthorized(), reason: 'Unauthorized', detail: 'NotThePendingVersion' };
    return { answer: commandsAnswer([]), reason: 'RotationCheckPassed' };
  }

  /**
   * GET /health, for Route 53's health checks: no credential, since it reads no patient and answers only
   * whether this region can serve Okta: its table answered one read (of a key no user can have) within the
   * store's bound, and it holds (or could read) what it checks Okta's calls with, as a region that cannot
   * would refuse every one of them.
   */
  async function answerHealthCheck(method: string | undefined, deadline: RequestDeadline): Promise<Outcome> {
    if (method !== 'GET' && method !== 'HEAD') {
      return { answer: problem(405, 'method not allowed', { allow: 'GET, HEAD' }), reason: 'MethodNotAllowed' };
    }
    const signal = deadline.within(config.storeTimeoutMs);
    try {
      // Both checks settle before the answer: the deadline is then cleared, not aborted, so a read left running
      // would keep its connection past the request. Bounded here too: a store that ignores its signal cannot
      // hold the answer past the deadline.
      const checks = [store.checkReadable(signal), caller.checkReady?.(signal)];
      const failed = (await untilDeadline(Promise.allSettled(checks), signal, 'the health check read')).find(
        (check) => check.status === 'rejected',
      );
      if (failed) throw failed.reason;
      return { answer: healthAnswer(true), reason: 'HealthCheckPassed' };
    } catch (error) {
      return { answer: healthAnswer(false), reason: 'HealthCheckFailed', error };
    }
  }

  async function decide(event: APIGatewayProxyEventV2, deadline: RequestDeadline): Promise<Outcome> {
    const http = event.requestContext?.http;
    // Behind a custom domain's API mapping or a named stage the path carries a prefix; the route API
    // Gateway matched does not. The local server sends `$default`, so the path decides there.
    if (event.routeKey?.endsWith(` ${HEALTH_PATH}`) || http?.path === HEALTH_PATH) return answerHealthCheck(http?.method, deadline);
    const routed = event.routeKey === `POST ${config.hookPath}`;
    if (!routed && http?.path !== config.hookPath) return { answer: problem(404, 'not found'), reason: 'RouteNotFound' };
    if (http?.method !== 'POST') {
      return { answer: problem(405, 'method not allowed', { allow: 'POST' }), reason: 'MethodNotAllowed' };
    }
    if (isBodyTooLarge(event)) {
      return { answer: problem(413, `body is larger than ${MAX_BODY_BYTES} bytes`), reason: 'BodyTooLarge' };
    }
    const verdict = await authenticate(event.headers?.authorization, deadline);
    if (!verdict.allowed) return { answer: unauthorized(), reason: verdict.reason, detail: verdict.detail, error: verdict.error };

    const request = parseHookRequest(decodeBody(event));
    if (config.maxEventAgeSeconds !== undefined) {
      // The arrival time API Gateway stamped, not this function's clock: the check stays a pure function of the event.
      const stale = eventTimeProblem(request.eventTime, event.requestContext.timeEpoch, config.maxEventAgeSeconds);
      if (stale) return { answer: problem(400, stale), reason: 'EventTimeOutOfRange' };
    }
    const rotationCheck = rotationCheckVersion(request);
    if (rotationCheck !== undefined) return answerRotationCheck(rotationCheck, verdict);
    warnOnIssuerLoop(request);
    const tokens = tokensToPatch(config.claimTokens, request);
    if (tokens.length === 0) return { answer: noContent(), reason: 'NoTokenToPatch' };
    const user = resolveUserKey(request, config.userKey);
    if ('problem' in user) {
      return { answer: noContent(), reason: user.problem, ...('detail' in user ? { detail: user.detail } : {}) };
    }
    const userHash = hashUser(user.key);

    let stored: StoredPatient | undefined;
    try {
      stored = await store.findPatient(user.key, deadline.within(config.storeTimeoutMs));
    } catch (error) {
      return { answer: onFailure(), reason: 'StoreFailure', userHash, error };
    }
    if (!stored) return { answer: noContent(), reason: 'NotAPatient', userHash };
    const invalid = patientIdProblem(stored.patientId, config.patientIdPattern);
    // A data fault, not an outage: this user gets no claim whatever the failure policy, and the value stays out of the log.
    if (invalid) return { answer: noContent(), reason: 'InvalidPatientRecord', detail: invalid, userHash, fault: true };
    const patient = { patientId: stored.patientId as string };
    return { answer: commandsAnswer(buildCommands(config.claimName, patient, tokens)), reason: 'ClaimAdded', userHash };
  }

  return async function handle(event, context) {
    const started = performance.now();
    const deadline = startRequestDeadline();
    let outcome: Outcome;
    try {
      outcome = await decide(event, deadline);
    } catch (error) {
      outcome =
        error instanceof HookError
          ? { answer: problem(error.status, error.message), reason: 'BadRequest' }
          : { answer: onFailure(), reason: 'UnexpectedError', error };
    } finally {
      deadline.clear();
    }
    const failed = outcome.error !== undefined || outcome.fault === true;
    requests.record({
      level: failed ? 'ERROR' : 'INFO',
      reason: outcome.reason,
      fields: {
        // Lambda's id, which its own lines for the request carry; and API Gateway's, the `requestId` of the
        // API's access log line for the same request (a function URL's is Lambda's: not repeated).
        requestId: context?.awsRequestId,
        apiRequestId: event.requestContext?.requestId === context?.awsRequestId ? undefined : event.requestContext?.requestId,
        detail: outcome.detail,
        userHash: outcome.userHash,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ...(outcome.error === undefined ? {} : describeError(outcome.error)),
        // The reason says which answer Okta got, but for a failure it depends on the failure policy.
        ...(failed ? { status: outcome.answer.statusCode, failureMode: config.failureMode } : {}),
      },
    });
    return outcome.answer;
  };
}

function isBodyTooLarge(event: APIGatewayProxyEventV2): boolean {
  if (!event.body) return false;
  // A character is at most 3 bytes of UTF-8 (a surrogate pair 4 for 2), and base64 decodes shorter than
  // its text: a body this short needs no count of its bytes, which would read all of it.
  if (event.body.length * 3 <= MAX_BODY_BYTES) return false;
  return Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8') > MAX_BODY_BYTES;
}

function decodeBody(event: APIGatewayProxyEventV2): string | undefined {
  if (event.body === undefined || !event.isBase64Encoded) return event.body;
  return Buffer.from(event.body, 'base64').toString('utf8');
}
