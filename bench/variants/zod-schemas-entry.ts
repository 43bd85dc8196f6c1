// Benchmark-only entry point: just the two modules that build zod/mini schemas at import (the
// configuration and the hook request), to put a figure on what zod/mini costs a cold start.
import { loadConfig } from '../../lambda/config.ts';
import { parseHookRequest } from '../../lambda/core/hook-request.ts';

export const parts = [loadConfig, parseHookRequest];
