// Benchmark-only entry point: just the two modules that check the configuration and the hook request
// (plain code; zod/mini schemas, which they once were, were built at import), to put a figure on what
// the checks cost a cold start.
import { loadConfig } from '../../lambda/config.ts';
import { parseHookRequest } from '../../lambda/core/hook-request.ts';

export const parts = [loadConfig, parseHookRequest];
