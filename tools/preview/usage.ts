import { REQUEST_SHAPES } from '../okta/request-shapes.ts';

export const PREVIEW_USAGE = `Usage: npm run preview -- [options]

Sends an Okta token hook request to the hook and shows what came back and what Okta would do with it:
the ID and access token claims it would mint, why it would drop the patch, or the message users would
see when sign-in fails.

Request:
  --shape NAME           ${REQUEST_SHAPES.join(' | ')} (default example)
  --file request.json    send this request instead (e.g. one copied from the Admin Console Preview tab)
  --user LOGIN           send it for this Okta login
  --user-id ID           and this Okta user id (00u…): context.user.id, the access token's uid, the ID
                         token's sub. The hook looks users up by the one USER_KEY names (login, or
                         oktaId), so with USER_KEY=oktaId --user needs --user-id, and --user-id alone
                         needs USER_KEY=oktaId

Where:
  --url URL              the hook (default: the npm start server, http://127.0.0.1:\${PORT:-3000}/tokenHook)

Credential (default: HOOK_USERNAME/HOOK_PASSWORD, else admin/supersecret for the local server):
  --username U --password P
  --authorization "..."         the whole header value, as Okta sends it ("Basic ...", or
                                "Bearer <token>" for a hook in OAuth mode)
  --secret-id ID                read {"username","password"} from AWS Secrets Manager

Exit codes: 0 Okta applies the answer or mints unchanged, 1 Okta drops the patch, sign-in fails or no
answer, 2 usage error.`;
