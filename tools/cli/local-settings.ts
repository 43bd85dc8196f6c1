import { existsSync } from 'node:fs';

/**
 * What each local tool does first. Reads `.env` from the package folder (where npm run starts a script)
 * into process.env, so OKTA_API_TOKEN and the like need not be exported in every shell; a variable
 * already set wins, and no file is no error. Then turns off the AWS SDK's Node.js version warning with
 * the SDK's own switch: on Node.js 20 it writes nine lines into the output of any command that reads AWS.
 */
export function loadLocalSettings(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
