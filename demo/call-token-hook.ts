import type { HookRequestBody } from '../tools/okta/request-shapes.ts';
import { OKTA_TIMEOUT_MS } from '../tools/okta/response-judge.ts';
import { sendHookRequest } from '../tools/preview/cli.ts';
import type { HookAnswer } from './mint-decision.ts';

/** Where the hook is and the Authorization header Okta is configured to send it. */
export interface HookTarget {
  url: string;
  authorization: string;
}

/** POSTs the request as Okta does (JSON, the configured header, no redirects) and waits 3 s at most. */
export async function callTokenHook({ url, authorization }: HookTarget, request: HookRequestBody): Promise<HookAnswer> {
  const started = performance.now();
  try {
    const reply = await sendHookRequest(url, authorization, JSON.stringify(request), OKTA_TIMEOUT_MS);
    return { kind: 'answered', status: reply.status, body: reply.body, elapsedMs: reply.elapsedMs };
  } catch (error) {
    return { kind: 'no-answer', reason: (error as Error).message, elapsedMs: performance.now() - started };
  }
}
