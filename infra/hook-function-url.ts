import { FunctionUrl, FunctionUrlAuthType, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledgeInHipaaAndNist } from './compliance.ts';
import { NO_AUTHORIZER_REASON } from './hook-api.ts';
import type { AuthMode } from './settings.ts';

export interface HookFunctionUrlProps {
  hookFunction: IFunction;
  hookPath: string;
  authMode: AuthMode;
}

/**
 * The `frontDoor=functionUrl` front door: a Lambda function URL, auth type NONE, in place of the HTTP API.
 * The function checks Okta's Basic credential or token itself, as behind the API; the URL adds no check
 * (IAM auth would need Okta to sign with SigV4, which it cannot). It sends the same payload 2.0 event.
 */
export class HookFunctionUrl extends Construct {
  /** What to paste into Okta as the hook's URL. */
  readonly hookUrl: string;

  constructor(scope: Construct, id: string, props: HookFunctionUrlProps) {
    super(scope, id);
    const url = new FunctionUrl(this, 'Url', { function: props.hookFunction, authType: FunctionUrlAuthType.NONE });
    // The permission that lets anyone reach the URL (principal "*", limited to the URL with auth type NONE).
    const reason = `The function URL is Okta's way in, so it is public by design. ${NO_AUTHORIZER_REASON[props.authMode]}`;
    acknowledgeInHipaaAndNist(props.hookFunction, 'LambdaFunctionPublicAccessProhibited', reason);
    // The URL ends with "/"; the function answers on its one path only.
    this.hookUrl = `${url.url}${props.hookPath.replace(/^\//, '')}`;
  }
}
