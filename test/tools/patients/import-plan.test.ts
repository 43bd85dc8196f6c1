import { describe, expect, it } from 'vitest';
import { planImport } from '../../../tools/patients/roster.ts';
import type { StoredPatientId } from '../../../tools/patients/patients-repository.ts';

const existing = new Map<string, StoredPatientId>([
  ['same@example.com', '1'],
  ['moved@example.com', '2'],
  ['gone@example.com', '3'],
  ['number@example.com', { N: '5' }],
]);
const records = [
  { key: 'same@example.com', patientId: '1' },
  { key: 'moved@example.com', patientId: '20' },
  { key: 'new@example.com', patientId: '4' },
  { key: 'number@example.com', patientId: '5' },
];

describe('planImport', () => {
  it('writes only new and changed patients; a Number in the table is never equal to the string', () => {
    expect(planImport(records, existing)).toStrictEqual({
      creates: [{ key: 'new@example.com', patientId: '4' }],
      updates: [
        { key: 'moved@example.com', patientId: '20', previousPatientId: '2' },
        { key: 'number@example.com', patientId: '5', previousPatientId: { N: '5' } },
      ],
      unchanged: 1,
      deletes: [],
    });
  });

  it('deletes, when pruning, only what the file does not name', () => {
    const keep = new Set([...records.map((record) => record.key)]);
    expect(planImport(records, existing, { keep }).deletes).toStrictEqual([{ key: 'gone@example.com', patientId: '3' }]);
    expect(planImport(records, existing, { keep: new Set([...keep, 'gone@example.com']) }).deletes).toStrictEqual([]);
  });
});
