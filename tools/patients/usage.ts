import { DEFAULT_PATIENT_ID_PATTERN } from '../../lambda/core/patient-record.ts';
import { DEFAULT_LOOKUP_CONCURRENCY, MAX_LOOKUP_CONCURRENCY } from '../okta/user-lookup.ts';

export const PATIENTS_USAGE = `Usage: npm run patients -- <command> [options]

Commands:
  put <user> <patientId>       add or change one patient
  get <user>                   print the patient id (exit 1 when not a patient)
  delete <user>                remove one patient
  list                         every patient, one "user<TAB>patientId" line each
  import <file>                bring the table in step with a roster: CSV with a header row
                               "username,patientId" (or "oktaUserId,patientId"), or a JSON
                               array of such objects
  export <file> | --out FILE   write the table to a file as CSV (JSON for .json), mode 600;
                               "-" writes it to stdout: run that with npm run -s, e.g.
                                 npm run -s patients -- export - --local > out.csv
                               else npm's own banner lines go into out.csv too
  migrate --from <login table> --to <Okta-id table>
                               copy a table keyed by login into one keyed by Okta user id,
                               each login looked up in Okta (see Migrate)

Where:
  --local                      the npm start store: http://127.0.0.1:\${DYNAMODB_PORT:-8000},
                               table patients (AWS_ENDPOINT_URL_DYNAMODB wins when set)
  --table NAME                 the table in AWS (default: $PATIENTS_TABLE); credentials and
                               region from the usual AWS chain (AWS_PROFILE, AWS_REGION, ...)
  --key login|oktaId           what the table is keyed by, as the hook's USER_KEY (default:
                               $USER_KEY, else login): login tables hold "username", Okta-id
                               tables "oktaUserId"; <user> is then a login or an Okta user id
  --patient-id-pattern RE      the hook's PATIENT_ID_PATTERN (default: $PATIENT_ID_PATTERN,
                               else ${DEFAULT_PATIENT_ID_PATTERN}): a patient id that does not
                               match it whole is refused, as the hook would refuse it

Import options:
  --dry-run                    show what would change, change nothing
  --skip-invalid               import the good rows even when some are bad
  --prune                      also delete patients the file does not name (asks first)
  --yes, -y                    do not ask before pruning
  --concurrency N              batches of 25 in flight at once (default 8)
  --resolve-okta-ids           with --key oktaId: look each row's username up in Okta
                               (GET /api/v1/users/{login}) and key it by that user's id; a
                               login Okta does not know, or that Okta matches to a user with
                               another login (a login shortname), is a bad row. An oktaUserId
                               column beside it must be the same id.
  --okta-concurrency N         lookups in flight at once (default ${DEFAULT_LOOKUP_CONCURRENCY}, at most ${MAX_LOOKUP_CONCURRENCY}); a 429 from
                               Okta pauses all of them until its rate limit resets

Migrate options (--local for the npm start store; the tables are on one endpoint):
  --dry-run                    print the items it would write, write nothing
  --concurrency N              puts in flight at once (default 8)
  --okta-concurrency N         as for import
  --left-behind FILE           write the items it could not copy (no Okta user has the login,
                               a shortname match, a patient id the hook refuses, a conflict) to
                               FILE as CSV username,patientId,oktaUserId,reason (mode 600;
                               a dry run writes it too).
                               Without it they are only counted: they come from a table, so
                               there is no file line to name them by, and logins and patient
                               ids stay off terminals and CI logs.
  Items already in the target with the same patient id are left alone; one with a different
  patient id is a conflict, named by Okta user id and never overwritten. Running it again writes
  nothing new. Exit 1 while anything is left behind.

Okta (--resolve-okta-ids, migrate): OKTA_ORG_URL, and OKTA_API_TOKEN (SSWS) or
OKTA_ACCESS_TOKEN (OAuth, scope okta.users.read), as npm run okta:register takes them.

Keys: a login is lower-cased in ASCII A-Z only, exactly as the hook does; nothing is trimmed or
Unicode-folded, so a login with surrounding white space is refused (by file and line), and a
look-alike (a Kelvin sign for K) stays a login of its own. Okta user ids are kept exactly as
written. Patient ids are kept exactly as written and must be strings: a JSON number is refused.
Messages name rows by file and line, never by login or patient id.
Exit codes: 0 done, 1 bad rows / refused / not found / failed, 2 usage error.`;
