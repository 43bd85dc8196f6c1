import type { Patient } from './ports.ts';
import { PATCH_COMMAND_TYPE, type TokenKind } from './tokens.ts';

export interface PatchOperation {
  op: 'add';
  path: string;
  value: string;
}

export interface TokenCommand {
  type: string;
  value: PatchOperation[];
}

/** One `add` of the patient claim for each token being patched. */
export function buildCommands(claimName: string, patient: Patient, tokens: readonly TokenKind[]): TokenCommand[] {
  const path = `/claims/${escapeJsonPointer(claimName)}`;
  return tokens.map((token) => ({
    type: PATCH_COMMAND_TYPE[token],
    value: [{ op: 'add', path, value: patient.patientId }],
  }));
}

export function escapeJsonPointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
