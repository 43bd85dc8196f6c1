import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface HttpResponse {
  status: number;
  body: string;
}

// Larger answers than this are not a GetItem or GetSecretValue we asked for.
const MAX_RESPONSE_BYTES = 1024 * 1024;

// One keep-alive pool for every AWS call: a warm invocation reuses the TLS connection.
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};

/** POSTs a body and reads the whole answer, or rejects when the signal aborts. */
export function postOnce(url: URL, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<HttpResponse> {
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  const agent = url.protocol === 'http:' ? agents['http:'] : agents['https:'];
  return new Promise((resolve, reject) => {
    const request = send(url, { method: 'POST', headers, agent, signal }, (response) => {
      const chunks: Buffer[] = [];
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) request.destroy(new Error('response too large'));
        else chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
