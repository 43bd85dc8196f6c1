import type { PatientRecord } from '../../local/patients-table.ts';

export interface ImportPlan {
  creates: PatientRecord[];
  updates: Array<PatientRecord & { previousPatientId: string }>;
  unchanged: number;
  /** Table entries the file does not name; only filled when pruning. */
  deletes: PatientRecord[];
}

/**
 * What an import changes, from the file's records (keys normalised) and the table as it is: rows
 * already in the table with the same patient id are not written again, so a re-import writes nothing.
 */
export function planImport(
  records: readonly PatientRecord[],
  existing: ReadonlyMap<string, string>,
  prune?: { keep: ReadonlySet<string> },
): ImportPlan {
  const plan: ImportPlan = { creates: [], updates: [], unchanged: 0, deletes: [] };
  for (const record of records) {
    const previousPatientId = existing.get(record.username);
    if (previousPatientId === undefined) plan.creates.push(record);
    else if (previousPatientId !== record.patientId) plan.updates.push({ ...record, previousPatientId });
    else plan.unchanged++;
  }
  if (prune) {
    for (const [username, patientId] of existing) {
      if (!prune.keep.has(username)) plan.deletes.push({ username, patientId });
    }
  }
  return plan;
}
