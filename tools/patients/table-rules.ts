import { compilePatientIdPattern, DEFAULT_PATIENT_ID_PATTERN, USER_KEY_KINDS, type UserKeyKind } from '../../lambda/core/patient-record.ts';
import { UsageError } from '../cli/run-command.ts';
import type { PatientIdRule } from './patient-fields.ts';

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
