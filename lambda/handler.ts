import { describeError } from './observability/redact.ts';
import { wireHookFromEnvironment } from './wiring.ts';

const hook = wireHookFromEnvironment(process.env);

// Read the Basic credential (or load the token verifier) during init, so the first request does not
// wait for Secrets Manager. A failure here is logged and not kept: the first request tries again.
await hook.caller.prepare().catch((error: unknown) => {
  hook.log.error('credential not loaded at init', describeError(error));
});

export const handler = hook.handle;
