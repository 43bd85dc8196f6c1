import type { IncomingMessage, ServerResponse } from 'node:http';

const FORM_LIMIT = 16 * 1024;

/** An HTML page that no cache keeps: every page here shows someone's sign-in. */
export function sendHtml(response: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(body);
}

/** 303 See Other: after a form, the browser GETs the next page. */
export function redirect(response: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  response.writeHead(303, { location, 'cache-control': 'no-store', ...headers });
  response.end();
}

/** An application/x-www-form-urlencoded body, at most 16 KB. */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > FORM_LIMIT) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}
