import { Agent, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import dynalite from "dynalite";

/**
 * DynamoDB is dynalite (in memory), running on its own loopback port behind the gateway: the
 * gateway pipes DynamoDB requests through unchanged, so dynalite's replies (and its
 * ConditionalCheckFailedException, CRC32 header...) reach the SDK byte for byte.
 * dynalite has no TransactWriteItems and no UpdateTimeToLive (see design §5).
 */
export interface DynamoDbProxy {
  forward(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

export async function startDynamoDbProxy(): Promise<DynamoDbProxy> {
  // Tables become ACTIVE at once: the default 500 ms CREATING state only slows tests down.
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true });

  return {
    forward(req, res) {
      const upstream = request(
        { host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers, agent },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        },
      );
      upstream.on("error", () => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const body = JSON.stringify({
          __type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
          message: "local DynamoDB (dynalite) did not answer",
        });
        res.writeHead(500, {
          "content-type": "application/x-amz-json-1.0",
          "content-length": Buffer.byteLength(body),
        });
        res.end(body);
      });
      req.pipe(upstream);
    },
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
