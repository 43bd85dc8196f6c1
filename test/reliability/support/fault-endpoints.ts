import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A running endpoint on 127.0.0.1 that a test can stop, freeing its port for the next one. */
export interface Endpoint {
  port: number;
  url: string;
  /** Requests (HTTP) or connections (TCP) received so far. */
  readonly received: number;
  close(): Promise<void>;
}

/** A port nothing listens on: bound once to get a free number, then released. */
export async function unusedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts TCP connections and never answers: the request hangs until the caller gives up. */
export async function startBlackHole(port = 0): Promise<Endpoint> {
  const sockets = new Set<Socket>();
  let received = 0;
  const server = createTcpServer((socket) => {
    received++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  return listen(
    server,
    port,
    () => received,
    () => {
      for (const socket of sockets) socket.destroy();
    },
  );
}

/** An HTTP server answering every request with the given status and body, after an optional delay. */
export async function startHttpFault(port: number, answer: { status: number; body: string; delayMs?: number }): Promise<Endpoint> {
  let received = 0;
  const server = createHttpServer((request: IncomingMessage, response: ServerResponse) => {
    received++;
    request.resume();
    const reply = () => {
      if (response.destroyed) return;
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(answer.body);
    };
    if (answer.delayMs) setTimeout(reply, answer.delayMs);
    else reply();
  });
  return listen(
    server,
    port,
    () => received,
    () => server.closeAllConnections(),
  );
}

/** DynamoDB's throttling answer, as the service sends it. */
export const THROTTLING_BODY = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
  message:
    'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
});

async function listen(server: Server, port: number, received: () => number, dropConnections: () => void): Promise<Endpoint> {
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    get received() {
      return received();
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropConnections();
        server.close(() => resolve());
      }),
  };
}
