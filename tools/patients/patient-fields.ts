import { canonicalUserKey, USER_KEY_PROBLEM_TEXT, userKeyProblem } from '../../lambda/core/user-key.ts';

/** Okta's limit for a login. */
export const MAX_USERNAME_LENGTH = 100;
/** FHIR's limit for a resource id: longer patient ids come from a wrong column, not a clinic system. */
export const MAX_PATIENT_ID_LENGTH = 64;

export interface FieldProblem {
  field: 'username' | 'patientId';
  reason: string;
}

// Okta logins are email-shaped by default (name@domain); anything else cannot match a sign-in.
const EMAIL_LIKE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * What is wrong with a username and patient id as they would be written. Reasons never quote the
 * values: usernames and patient ids are health data, and these messages end up in terminals and CI logs.
 */
export function checkPatientFields(username: unknown, patientId: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const usernameProblem = checkUsername(username);
  if (usernameProblem) problems.push({ field: 'username', reason: usernameProblem });
  const patientIdProblem = checkPatientId(patientId);
  if (patientIdProblem) problems.push({ field: 'patientId', reason: patientIdProblem });
  return problems;
}

function checkUsername(username: unknown): string | undefined {
  if (username === undefined || username === null || (typeof username === 'string' && username.trim() === '')) return 'missing';
  if (typeof username !== 'string') return 'must be a string';
  const problem = userKeyProblem(username);
  if (problem) return USER_KEY_PROBLEM_TEXT[problem];
  const key = canonicalUserKey(username, 'login') as string;
  if (key.length > MAX_USERNAME_LENGTH) return `longer than ${MAX_USERNAME_LENGTH} characters (${key.length})`;
  if (!EMAIL_LIKE.test(key)) return 'not an email-like login (name@domain.tld)';
  return undefined;
}

function checkPatientId(patientId: unknown): string | undefined {
  if (patientId === undefined || patientId === null || patientId === '') return 'missing';
  if (typeof patientId === 'number') return 'must be a string ("1235", not 1235), so leading zeros and long ids survive';
  if (typeof patientId !== 'string') return 'must be a string';
  if (patientId.trim() === '') return 'missing';
  if (patientId.length > MAX_PATIENT_ID_LENGTH) return `longer than ${MAX_PATIENT_ID_LENGTH} characters (${patientId.length})`;
  if (patientId.trim() !== patientId) return 'has leading or trailing spaces';
  if (CONTROL_CHARACTERS.test(patientId)) return 'contains control characters';
  return undefined;
}
