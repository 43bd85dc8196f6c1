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
