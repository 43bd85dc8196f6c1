// Benchmark-only: lambda/aws/http-transport.ts with node:http / node:https imported on the first call
// (esbuild keeps a dynamic import of a built-in as it is), for the lazy-client variant.
import type { Agent } from 'node:http';

export interface HttpResponse {
  status: number;
  body: string;
}

const MAX_RESPONSE_BYTES = 1024 * 1024;
const modules = new Map<string, Promise<{ request: typeof import('node:http').request; agent: Agent }>>();

function load(protocol: string) {
  let loaded = modules.get(protocol);
  if (!loaded) {
    loaded = (protocol === 'http:' ? import('node:http') : import('node:https')).then((module) => ({
      request: module.request,
      agent: new module.Agent({ keepAlive: true, maxSockets: 64 }),
    }));
    modules.set(protocol, loaded);
  }
  return loaded;
}

export async function postOnce(url: URL, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<HttpResponse> {
  const { request: send, agent } = await load(url.protocol);
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
