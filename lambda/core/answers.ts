import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { TokenCommand } from './commands.ts';

export type Answer = APIGatewayProxyStructuredResultV2 & { statusCode: number };

const NO_STORE = { 'cache-control': 'no-store' };
const JSON_HEADERS = { 'content-type': 'application/json', ...NO_STORE };

/** 200 with commands: Okta applies them to the tokens it is minting. */
export function commandsAnswer(commands: TokenCommand[]): Answer {
  return { statusCode: 200, headers: JSON_HEADERS, body: JSON.stringify({ commands }) };
}

/** 204: nothing to add, Okta mints the tokens unchanged. */
export function noContent(): Answer {
  return { statusCode: 204, headers: NO_STORE };
}

/** 200 with Okta's error object: Okta mints no token and shows the summary to the user. */
export function signInError(errorSummary: string): Answer {
  return { statusCode: 200, headers: JSON_HEADERS, body: JSON.stringify({ error: { errorSummary } }) };
}

/** A refusal of the call itself; the message must be safe to show to anyone. */
export function problem(statusCode: number, message: string, headers: Record<string, string> = {}): Answer {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify({ message }) };
}
