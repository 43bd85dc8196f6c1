import { SAMPLE_PATIENTS } from '../../local/patients-table.ts';
import { LOCAL_DEFAULTS } from '../../tools/cli/local-target.ts';

export interface Leak {
  /** What leaked, never the value itself: the report must not repeat the leak. */
  kind: string;
  line: number;
}

interface Forbidden {
  kind: string;
  pattern: RegExp;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const basicToken = (userPass: string) => Buffer.from(userPass).toString('base64').replace(/=+$/, '');
// A patient id is short and numeric: match it as a whole word, not inside a timestamp, a request id
// (UUID groups are four hex digits between dashes) or a base64url hash.
const word = (text: string) => new RegExp(`(?<![\\w-])${escapeRegExp(text)}(?![\\w-])`);

const LOCAL_CREDENTIAL = `${LOCAL_DEFAULTS.HOOK_USERNAME}:${LOCAL_DEFAULTS.HOOK_PASSWORD}`;

/** What no log, metric or console line may hold: the hook's password and header, seeded logins, patient ids. */
export const FORBIDDEN: readonly Forbidden[] = [
  { kind: 'the local password', pattern: new RegExp(escapeRegExp(LOCAL_DEFAULTS.HOOK_PASSWORD), 'i') },
  // The first 16 characters stand for 12 bytes, "admin:supers": caught even when a message was cut short.
  { kind: 'the local Authorization value (base64)', pattern: new RegExp(escapeRegExp(basicToken(LOCAL_CREDENTIAL).slice(0, 16))) },
  ...SAMPLE_PATIENTS.flatMap(({ username, patientId }) => [
    // The local part alone, in any case: caught with or without the domain.
    { kind: 'a seeded username', pattern: new RegExp(escapeRegExp(username.split('@')[0] as string), 'i') },
    { kind: 'a patient id', pattern: word(patientId) },
  ]),
];

/** The lines that hold a forbidden value, and which kind; `secrets` adds values a test made up. */
export function findLeaks(lines: readonly string[], secrets: readonly string[] = []): Leak[] {
  const forbidden = [...FORBIDDEN, ...secrets.map((secret) => ({ kind: 'a test secret', pattern: new RegExp(escapeRegExp(secret)) }))];
  const leaks: Leak[] = [];
  lines.forEach((line, index) => {
    for (const { kind, pattern } of forbidden) if (pattern.test(line)) leaks.push({ kind, line: index });
  });
  return leaks;
}
