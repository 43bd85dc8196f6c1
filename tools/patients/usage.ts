export const PATIENTS_USAGE = `Usage: npm run patients -- <command> [options]

Commands:
  put <username> <patientId>   add or change one patient
  get <username>               print the patient id (exit 1 when not a patient)
  delete <username>            remove one patient
  list                         every patient, one "username<TAB>patientId" line each
  import <file>                bring the table in step with a roster: CSV with a header
                               row "username,patientId", or a JSON array of such objects
  export <file>                write the table as CSV (JSON for .json, stdout for -)

Where:
  --local                      the npm start store: http://127.0.0.1:\${DYNAMODB_PORT:-8000},
                               table patients (AWS_ENDPOINT_URL_DYNAMODB wins when set)
  --table NAME                 the table in AWS (default: $PATIENTS_TABLE); credentials and
                               region from the usual AWS chain (AWS_PROFILE, AWS_REGION, ...)

Import options:
  --dry-run                    show what would change, change nothing
  --skip-invalid               import the good rows even when some are bad
  --prune                      also delete patients the file does not name (asks first)
  --yes, -y                    do not ask before pruning
  --concurrency N              batches of 25 in flight at once (default 8)

Usernames are trimmed and lower-cased; patient ids are kept exactly as written.
Exit codes: 0 done, 1 bad rows / refused / not found / failed, 2 usage error.`;
