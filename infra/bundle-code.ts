import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Code } from 'aws-cdk-lib/aws-lambda';

export const BUNDLE_ENTRY_FILE = 'index.mjs';

/**
 * The Lambda code of a bundle directory, as is: CDK copies the directory (the entry file and any
 * file it imports) into the cloud assembly unchanged, so what deploys is byte for byte what
 * `npm run build` wrote. No bundling happens here.
 */
export function bundleCode(bundleDir: string): Code {
  if (!existsSync(join(bundleDir, BUNDLE_ENTRY_FILE))) {
    throw new Error(`The Lambda bundle ${join(bundleDir, BUNDLE_ENTRY_FILE)} is missing: run \`npm run build\` first.`);
  }
  return Code.fromAsset(bundleDir);
}
