import type { PatientRecord, StoredPatientId } from './patient-item.ts';

export interface ImportPlan {
  creates: PatientRecord[];
  updates: Array<PatientRecord & { previousPatientId: StoredPatientId }>;
  unchanged: number;
  /** Table entries the file does not name; only filled when pruning. */
  deletes: Array<{ key: string; patientId: StoredPatientId }>;
}

/**
 * What an import changes, from the file's records (keys canonical) and the table as it is: rows
 * already in the table with the same patient id are not written again, so a re-import writes nothing.
 * A stored id that is not a String (a Number) is never equal: it is written again as the string.
 */
export function planImport(
  records: readonly PatientRecord[],
  existing: ReadonlyMap<string, StoredPatientId>,
  prune?: { keep: ReadonlySet<string> },
): ImportPlan {
  const plan: ImportPlan = { creates: [], updates: [], unchanged: 0, deletes: [] };
  for (const record of records) {
    if (!existing.has(record.key)) plan.creates.push(record);
    else {
      const previousPatientId = existing.get(record.key);
      if (previousPatientId !== record.patientId) plan.updates.push({ ...record, previousPatientId });
      else plan.unchanged++;
    }
  }
  if (prune) {
    for (const [key, patientId] of existing) {
      if (!prune.keep.has(key)) plan.deletes.push({ key, patientId });
    }
  }
  return plan;
}
