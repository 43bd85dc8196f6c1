import {
  canonicalUserKey,
  compilePatientIdPattern,
  DEFAULT_PATIENT_ID_PATTERN,
  PATIENT_ID_PROBLEM_TEXT,
  patientIdProblem,
  TABLE_KEY_ATTRIBUTE,
  USER_KEY_KINDS,
  USER_KEY_PROBLEM_TEXT,
  type UserKeyKind,
  userKeyProblem,
} from '../../lambda/core/patient-record.ts';
import { UsageError } from '../cli/run-command.ts';

/** Okta's limit for a login. */
export const MAX_USERNAME_LENGTH = 100;

/** The patient id rule the hook applies (PATIENT_ID_PATTERN), as the tools apply it where ids are written. */
export interface PatientIdRule {
  pattern: RegExp;
  /** The pattern as configured, for messages. */
  source: string;
}

/** The name a key has in roster files, table items and messages: `username` or `oktaUserId`. */
export type KeyField = 'username' | 'oktaUserId';

export function keyFieldOf(kind: UserKeyKind): KeyField {
  return TABLE_KEY_ATTRIBUTE[kind] as KeyField;
}

export interface FieldProblem {
  field: KeyField | 'patientId';
  reason: string;
}

// Okta logins are email-shaped by default (name@domain); anything else cannot match a sign-in.
const EMAIL_LIKE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Okta's ids are letters and digits (00u1ab2CD3ef4GH5ij6k): a login or a padded value in that column
// would never match a sign-in.
const OKTA_ID = /^[A-Za-z0-9]+$/;

export interface LoginCheck {
  /**
   * Require name@domain.tld. Off where Okta itself judges the login (--resolve-okta-ids): an org with a
   * custom login format has logins without a domain, and Okta answers 404 for what is no login.
   */
  emailLike: boolean;
}

/**
 * What is wrong with a login as it would be written or looked up, or undefined. Reasons never quote the
 * value: logins and patient ids are health data, and these messages end up in terminals and CI logs.
 * Nothing is trimmed: a login with surrounding white space is refused, not turned into another one.
 */
export function loginProblem(value: unknown, { emailLike }: LoginCheck = { emailLike: true }): string | undefined {
  if (value === undefined || value === null || value === '') return 'missing';
  if (typeof value !== 'string') return 'must be a string';
  const problem = userKeyProblem(value);
  if (problem) return USER_KEY_PROBLEM_TEXT[problem];
  const key = canonicalUserKey(value, 'login') as string;
  if (key.length > MAX_USERNAME_LENGTH) return `longer than ${MAX_USERNAME_LENGTH} characters (${key.length})`;
  if (emailLike && !EMAIL_LIKE.test(key)) return 'not an email-like login (name@domain.tld)';
  return undefined;
}

/** What is wrong with an Okta user id as it would be written or looked up, or undefined. Kept exactly as given. */
export function oktaUserIdProblem(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return 'missing';
  if (typeof value !== 'string') return 'must be a string';
  const problem = userKeyProblem(value);
  if (problem) return USER_KEY_PROBLEM_TEXT[problem];
  if (!OKTA_ID.test(value)) return 'not an Okta user id (letters and digits, like 00u1ab2CD3ef4GH5ij6k)';
  return undefined;
}

/** A key of either kind, for the single-patient commands: login checks as `put` writes, lookups as any key. */
export function userKeyFieldProblem(value: unknown, kind: UserKeyKind, check?: LoginCheck): FieldProblem | undefined {
  const reason = kind === 'login' ? loginProblem(value, check) : oktaUserIdProblem(value);
  return reason === undefined ? undefined : { field: keyFieldOf(kind), reason };
}

/**
 * What is wrong with a patient id, by the hook's own rule (patientIdProblem): a Number is refused, never
 * turned into a string, and nothing is trimmed. Reasons say why without quoting the value.
 */
export function patientIdFieldProblem(value: unknown, rule: PatientIdRule): string | undefined {
  const problem = patientIdProblem(value, rule.pattern);
  if (problem === undefined) return undefined;
  if (problem !== 'OffPattern') return PATIENT_ID_PROBLEM_TEXT[problem];
  const text = value as string;
  const facts = [`${text.length} character${text.length === 1 ? '' : 's'}`];
  if (/^\s|\s$/.test(text)) facts.push('leading or trailing white space');
  if (/\p{Cc}/u.test(text)) facts.push('a control character');
  return `${PATIENT_ID_PROBLEM_TEXT.OffPattern} ${rule.source} (${facts.join(', ')})`;
}

// The hook's own limit for PATIENT_ID_PATTERN (lambda/config.ts).
const MAX_PATTERN_LENGTH = 1000;

/** What the table is keyed by: --key, else USER_KEY (as the hook reads it), else login. */
export function userKeyKindFrom(option: string | undefined, env: Record<string, string | undefined>): UserKeyKind {
  const [value, name] = option !== undefined ? [option, '--key'] : [env.USER_KEY || 'login', 'USER_KEY'];
  if (!(USER_KEY_KINDS as readonly string[]).includes(value)) throw new UsageError(`${name} must be login or oktaId`);
  return value as UserKeyKind;
}

/**
 * The patient id rule: --patient-id-pattern, else PATIENT_ID_PATTERN (as the hook reads it), else the
 * default. The tools must refuse what the hook would refuse, or a written id never becomes a claim.
 */
export function patientIdRuleFrom(option: string | undefined, env: Record<string, string | undefined>): PatientIdRule {
  const [source, name] =
    option !== undefined ? [option, '--patient-id-pattern'] : [env.PATIENT_ID_PATTERN || DEFAULT_PATIENT_ID_PATTERN, 'PATIENT_ID_PATTERN'];
  if (source.length > MAX_PATTERN_LENGTH) throw new UsageError(`${name} must be at most ${MAX_PATTERN_LENGTH} characters`);
  try {
    return { pattern: compilePatientIdPattern(source), source };
  } catch {
    throw new UsageError(`${name} must be a regular expression, e.g. ${DEFAULT_PATIENT_ID_PATTERN}`);
  }
}
