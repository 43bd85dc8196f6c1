import type { Patient, PatientStore } from '../../lambda/core/ports.ts';

/**
 * Benchmark-only: the patients table as a Map, so the warm figure is the handler's own CPU and not a
 * network round trip. Keys are lower-case, as in the table.
 */
export function createInMemoryPatientStore(patients: Record<string, string>): PatientStore {
  const byUsername = new Map<string, Patient>(
    Object.entries(patients).map(([username, patientId]) => [username.toLowerCase(), { patientId }]),
  );
  return {
    async findPatient(username) {
      return byUsername.get(username);
    },
    async checkReadable() {},
  };
}
