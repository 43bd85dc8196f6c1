import { describeError } from './observability.ts';
import { wireHookFromEnvironment } from './wiring.ts';

const hook = wireHookFromEnvironment(process.env);

// Read the Basic credential (or load the token verifier) during init, so the first request does not
// wait for Secrets Manager; with USER_HASH_KEY_SECRET_ID the user-hash key comes in the same read (one
// BatchGetSecretValue; alone in OAuth mode), and a failure to read it is logged as a warning of its own.
// Init runs before the first request's 1 s budget starts; the read gives up after 700 ms. A failure here
// is logged and not kept, and starts no back-off: the first request tries again.
// Meanwhile the DynamoDB connection opens (in AWS; not to a local store), so the first request reuses it.
// Failing costs only that: the first request opens its own.
await Promise.all([
  hook.caller.prepare().catch((error: unknown) => {
    hook.log.error('credential not loaded at init', describeError(error));
  }),
  hook.openStoreConnection?.().catch((error: unknown) => {
    hook.log.warn('store connection not opened at init', describeError(error));
  }),
]);

export const handler = hook.handle;
