import type { HookRequest } from './hook-request.ts';

// A patients-table row, as the hook reads it and every tool writes it: the patient id it holds (checked
// on write and again on read) and the user key it is found by (one canonical form, shared by all).

/** The default rule for a patient id: 1 to 64 characters of `A-Z a-z 0-9 . _ -` (FHIR's id alphabet). */
export const DEFAULT_PATIENT_ID_PATTERN = '[A-Za-z0-9._-]{1,64}';
/** Whatever the configured pattern, a claim value longer than this is a data fault, not an id. */
export const MAX_PATIENT_ID_LENGTH = 256;

export type PatientIdProblem = 'Missing' | 'NotAString' | 'Empty' | 'TooLong' | 'OffPattern';

export const PATIENT_ID_PROBLEM_TEXT: Readonly<Record<PatientIdProblem, string>> = {
  Missing: 'missing',
  NotAString: 'must be a string ("01235", not a number), so leading zeros and long ids survive',
  Empty: 'is empty',
  TooLong: `is longer than ${MAX_PATIENT_ID_LENGTH} characters`,
  OffPattern: 'does not match the patient id pattern',
};

/**
 * A patient id pattern as configured (PATIENT_ID_PATTERN): the whole value must match it. Throws a
 * SyntaxError for a pattern that is not a regular expression.
 */
export function compilePatientIdPattern(source: string = DEFAULT_PATIENT_ID_PATTERN): RegExp {
  return new RegExp(`^(?:${source})$`, 'u');
}

/**
 * Why a stored or submitted patient id may not become a claim, or undefined when it may. It is checked
 * where it is written (the roster CLI) and again where it is read (the hook): a value in the table
 * that fails is a data fault, never coerced (a DynamoDB Number "04235" would become "4235").
 */
export function patientIdProblem(value: unknown, pattern: RegExp): PatientIdProblem | undefined {
  if (value === undefined || value === null) return 'Missing';
  if (typeof value !== 'string') return 'NotAString';
  if (value === '') return 'Empty';
  if (value.length > MAX_PATIENT_ID_LENGTH) return 'TooLong';
  if (!pattern.test(value)) return 'OffPattern';
  return undefined;
}

/**
 * What the patients table is keyed by: the Okta login (the seed guide's design), or Okta's user id
 * (`00u…`), which never changes when a user is renamed and is never handed to someone else.
 */
export type UserKeyKind = 'login' | 'oktaId';
export const USER_KEY_KINDS: readonly UserKeyKind[] = ['login', 'oktaId'];

/** The patients table's partition key attribute for each kind of key. */
export const TABLE_KEY_ATTRIBUTE: Readonly<Record<UserKeyKind, string>> = { login: 'username', oktaId: 'oktaUserId' };

// Okta logins are at most 100 characters and user ids 20; anything far longer cannot be a key in the table.
export const MAX_USER_KEY_LENGTH = 256;

/**
 * The key the health check reads: the white space around it makes it no user's key (userKeyProblem), so
 * no sign-in looks it up and no tool writes it. The read finds nothing; that the table answered is the check.
 */
export const HEALTH_CHECK_KEY = ' health check ';

export type UserKeyProblem = 'ControlCharacter' | 'SurroundingWhiteSpace' | 'TooLong' | 'MalformedUnicode';

export const USER_KEY_PROBLEM_TEXT: Readonly<Record<UserKeyProblem, string>> = {
  ControlCharacter: 'has a control character',
  SurroundingWhiteSpace: 'has leading or trailing white space',
  TooLong: `is longer than ${MAX_USER_KEY_LENGTH} characters`,
  MalformedUnicode: 'is not well-formed Unicode',
};

export type UserKeyResolution = { key: string } | { problem: 'NoUserKey' } | { problem: 'InvalidUserKey'; detail: UserKeyProblem };

/**
 * The patients-table key for the user the tokens are minted for.
 * - `login`: the Okta login, else the ID token's preferred_username, else the access token's sub of a
 *   user token, in its canonical form (canonicalUserKey).
 * - `oktaId`: Okta's user id from the request context, else the access token's `uid`, exactly as sent
 *   (Okta ids are case-sensitive).
 * The first value present decides: an invalid one is never passed over for the next, so a malformed
 * login cannot be looked up under another name. The access token's sub names a user only when the
 * token has a user id (`uid`): in a client-credentials grant it is the client's id.
 */
export function resolveUserKey(request: HookRequest, kind: UserKeyKind): UserKeyResolution {
  const { context, identity, access } = request.data;
  const userId = access?.claims?.uid;
  const candidates =
    kind === 'oktaId'
      ? [context?.user?.id, userId]
      : [context?.user?.profile?.login, identity?.claims?.preferred_username, userId == null ? undefined : access?.claims?.sub];
  const value = candidates.find((candidate): candidate is string => typeof candidate === 'string' && candidate !== '');
  if (value === undefined) return { problem: 'NoUserKey' };
  const key = canonicalUserKey(value, kind);
  if (key === undefined) return { problem: 'InvalidUserKey', detail: userKeyProblem(value) as UserKeyProblem };
  return { key };
}

/**
 * The one canonical form of a user key, used by the hook and by every tool that writes the table:
 * undefined when the value can be no user's key. A login is lower-cased in ASCII `A`–`Z` only; nothing
 * is trimmed, folded or normalised, because two logins Okta holds apart must never read one row
 * (JavaScript's toLowerCase folds the Kelvin sign to `k`; trim strips NBSP, U+3000, BOM...).
 */
export function canonicalUserKey(value: string, kind: UserKeyKind): string | undefined {
  if (value === '' || userKeyProblem(value)) return undefined;
  return kind === 'login' ? lowerCaseAscii(value) : value;
}

/** Why a value can be no user's key, or undefined when it can be one. */
export function userKeyProblem(value: string): UserKeyProblem | undefined {
  if (value.length > MAX_USER_KEY_LENGTH) return 'TooLong';
  if (!value.isWellFormed()) return 'MalformedUnicode';
  if (CONTROL_CHARACTER.test(value)) return 'ControlCharacter';
  if (SURROUNDING_WHITE_SPACE.test(value)) return 'SurroundingWhiteSpace';
  return undefined;
}

// Unicode's control characters (General_Category Cc, which Unicode's stability policy fixes), spelt
// out: the same set as /\p{Cc}/u, whose property lookup was an eighth of what the bundle's cold load
// costs over the floor's (1.5M of 11.8M instructions).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's purpose
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
// JavaScript's \s: Unicode white space (NBSP, U+2000–U+200A, U+2028, U+3000...) and the BOM.
const SURROUNDING_WHITE_SPACE = /^\s|\s$/;

function lowerCaseAscii(value: string): string {
  return value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
