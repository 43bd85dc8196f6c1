import { describe, expect, it } from 'vitest';
import { planImport } from '../../../tools/patients/import-plan.ts';

const existing = new Map([
  ['same@example.com', '1'],
  ['moved@example.com', '2'],
  ['gone@example.com', '3'],
]);
const records = [
  { username: 'same@example.com', patientId: '1' },
  { username: 'moved@example.com', patientId: '20' },
  { username: 'new@example.com', patientId: '4' },
];

describe('planImport', () => {
  it('writes only new and changed patients', () => {
    expect(planImport(records, existing)).toStrictEqual({
      creates: [{ username: 'new@example.com', patientId: '4' }],
      updates: [{ username: 'moved@example.com', patientId: '20', previousPatientId: '2' }],
      unchanged: 1,
      deletes: [],
    });
  });

  it('deletes, when pruning, only what the file does not name', () => {
    const keep = new Set([...records.map((record) => record.username)]);
    expect(planImport(records, existing, { keep }).deletes).toStrictEqual([{ username: 'gone@example.com', patientId: '3' }]);
    expect(planImport(records, existing, { keep: new Set([...keep, 'gone@example.com']) }).deletes).toStrictEqual([]);
  });
});
