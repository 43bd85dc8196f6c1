import * as z from 'zod/mini';
import { HookError } from './hook-error.ts';

export const TOKEN_TRANSFORM_EVENT = 'com.okta.oauth2.tokens.transform';
// Okta's own requests are about 6 levels deep; far deeper is hostile or broken.
export const MAX_BODY_DEPTH = 32;

// Okta has sent `null` for parts it lacked (e.g. `context.user` in some flows): null reads as absent.
const absentOr = <Schema extends z.core.SomeType>(schema: Schema) => z.nullish(schema);
const optionalString = absentOr(z.string());
const tokenSchema = <Claims extends z.core.$ZodLooseShape>(claims: Claims) =>
  absentOr(z.looseObject({ claims: absentOr(z.looseObject(claims)) }));

// Only the fields the hook reads are checked; the rest of Okta's request passes through untouched.
const hookRequestSchema = z.looseObject({
  eventType: z.literal(TOKEN_TRANSFORM_EVENT),
  eventId: z.optional(z.string()),
  eventTime: z.optional(z.string()),
  data: z.looseObject({
    context: absentOr(
      z.looseObject({
        user: absentOr(z.looseObject({ id: optionalString, profile: absentOr(z.looseObject({ login: optionalString })) })),
      }),
    ),
    identity: tokenSchema({ preferred_username: optionalString }),
    access: tokenSchema({ sub: optionalString, uid: optionalString }),
  }),
});

export type HookRequest = z.infer<typeof hookRequestSchema>;

/** Parses and validates a token hook request body; a HookError(400) says what is wrong with it. */
export function parseHookRequest(body: string | undefined): HookRequest {
  if (body === undefined || body.trim() === '') throw new HookError(400, 'body is empty');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new HookError(400, 'body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HookError(400, 'body must be a JSON object');
  }
  if (exceedsDepth(value, MAX_BODY_DEPTH)) {
    throw new HookError(400, `body is nested more than ${MAX_BODY_DEPTH} levels deep`);
  }
  const result = hookRequestSchema.safeParse(value, { reportInput: true });
  if (!result.success) throw new HookError(400, describeIssue(result.error.issues[0]));
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'body is not a token hook request';
  const field = issue.path.map(String).join('.');
  if (field === 'eventType') return `eventType must be "${TOKEN_TRANSFORM_EVENT}"`;
  if (issue.code === 'invalid_type') {
    const expected = issue.expected === 'object' ? 'an object' : `a ${issue.expected}`;
    return issue.input === undefined ? `${field} is required` : `${field} must be ${expected}`;
  }
  return `${field} is invalid`;
}

function exceedsDepth(root: object, maxDepth: number): boolean {
  const pending: Array<[unknown, number]> = [[root, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop() as [unknown, number];
    if (depth > maxDepth) return true;
    for (const child of Object.values(value as object)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}
