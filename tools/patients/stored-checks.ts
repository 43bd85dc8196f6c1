import { patientIdProblem } from '../../lambda/core/patient-record.ts';
import { countOf } from '../cli/output.ts';
import type { PatientIdRule } from './patient-fields.ts';
import type { StoredPatientId } from './patient-item.ts';

/**
 * Counts what the hook would refuse among patient ids as stored: values that are not a DynamoDB
 * String (written by another tool, or a Number the console made), and strings off the pattern.
 */
export class StoredIdTally {
  notStrings = 0;
  offPattern = 0;

  constructor(private readonly rule: PatientIdRule) {}

  /** Whether the value is a string; counts it either way. */
  add(patientId: StoredPatientId): patientId is string {
    if (typeof patientId !== 'string') {
      this.notStrings++;
      return false;
    }
    if (patientIdProblem(patientId, this.rule.pattern)) this.offPattern++;
    return true;
  }

  /** Lines for stderr, by count only: which ones is for the data output, not for messages. */
  warnings(notStringsAre: string): string {
    const lines: string[] = [];
    if (this.notStrings > 0) {
      lines.push(
        `${countOf(this.notStrings, 'patient')} ${notStringsAre}: the stored patientId is not a String (a Number?), which the hook refuses; put each again as a string`,
      );
    }
    if (this.offPattern > 0) {
      lines.push(
        `${countOf(this.offPattern, 'patient')} ${this.offPattern === 1 ? 'has' : 'have'} a patientId off the pattern ${this.rule.source}, which the hook refuses`,
      );
    }
    return lines.map((line) => `${line}\n`).join('');
  }
}
