import { SAMPLE_PATIENTS } from '../local/patients-table.ts';

/** A person who can sign in to the local provider: an Okta-style user with a fixed demo password. */
export interface DemoUser {
  /** Okta's immutable user id (`00u…`): the ID token's `sub` and `data.context.user.id`. */
  id: string;
  login: string;
  password: string;
  firstName: string;
  lastName: string;
  /** What the sign-in page says about them, so a newcomer knows what to expect. */
  note: string;
}

/**
 * The sample patients `npm start` puts in the store, with their Okta ids from SAMPLE_PATIENTS, and one
 * person who is not a patient. The passwords are shown on the sign-in page: this is a demo, not an org.
 */
export const DEMO_USERS: readonly DemoUser[] = [
  ...SAMPLE_PATIENTS.map(({ username, oktaUserId, patientId }) => ({
    id: oktaUserId,
    login: username,
    password: demoPassword(username),
    ...namesOf(username),
    note: `patient ${patientId}`,
  })),
  {
    id: '00uAlexDoeExample001',
    login: 'alex.doe@example.com',
    password: demoPassword('alex.doe@example.com'),
    firstName: 'Alex',
    lastName: 'Doe',
    note: 'not a patient',
  },
];

export function findUserById(id: string): DemoUser | undefined {
  return DEMO_USERS.find((user) => user.id === id);
}

/** Okta logins are case-insensitive; the password is compared as typed. */
export function findUserByCredentials(login: string, password: string): DemoUser | undefined {
  const user = DEMO_USERS.find((candidate) => candidate.login.toLowerCase() === login.trim().toLowerCase());
  return user && user.password === password ? user : undefined;
}

// "jessie.smith@example.com" → "Jessie-demo-1": easy to type from the page, different for each user.
function demoPassword(login: string): string {
  const first = login.split('.')[0] ?? login;
  return `${first.charAt(0).toUpperCase()}${first.slice(1)}-demo-1`;
}

function namesOf(login: string): { firstName: string; lastName: string } {
  const [first = '', last = ''] = (login.split('@')[0] ?? '').split('.');
  const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  return { firstName: capital(first), lastName: capital(last) };
}
