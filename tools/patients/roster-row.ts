/** One row of a roster file as written, before any check: every value exactly as the file has it. */
export interface RosterRow {
  /** 1-based line in the file where the row starts. */
  line: number;
  username?: unknown;
  oktaUserId?: unknown;
  patientId?: unknown;
  /** Set when the row is not even shaped like a row (a JSON element that is not an object). */
  problem?: string;
}

/** A file that cannot be read as a roster at all; `line` when the parser knows where. */
export class RosterFileError extends Error {
  override name = 'RosterFileError';
  constructor(
    readonly line: number | undefined,
    message: string,
  ) {
    super(message);
  }
}
