import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Result } from "neverthrow";
import { faultError, receiverError, senderError, type AwsError } from "./aws-errors";
import type { DynamoDbProxy } from "./dynamodb-proxy";
import type { CallCounter, FaultInjector } from "./faults";
import { newRequestId, type ServiceName } from "./ids";
import {
  DYNAMODB_PROTOCOL,
  SECRETS_MANAGER_PROTOCOL,
  SQS_PROTOCOL,
  writeJsonError,
  writeJsonReply,
  type JsonProtocol,
} from "./json-protocol";
import type { JsonService } from "./json-service";
import { writeQueryError, writeQueryReply } from "./query-protocol";

/*
 * One HTTP endpoint for every service, because AWS_ENDPOINT_URL points every SDK client at one
 * URL. The protocol tells the services apart: JSON requests name their service in
 * X-Amz-Target (`secretsmanager.*`, `AmazonSQS.*`, `DynamoDB_20120810.*`); a form-encoded POST
 * with `Action=` is the query protocol, which of the served services only SNS speaks.
 */

interface QueryService {
  /** The XML inside `<ActionResult>`; undefined for actions whose reply has none. */
  handle(action: string, params: URLSearchParams): Promise<Result<string | undefined, AwsError>>;
}

export interface GatewayServices {
  readonly secretsManager: JsonService;
  readonly sqs: JsonService;
  readonly sns: QueryService;
  readonly snsXmlns: string;
  readonly dynamodb: DynamoDbProxy;
  readonly faults: FaultInjector;
  readonly calls: CallCounter;
}

export interface Gateway {
  readonly url: string;
  close(): Promise<void>;
}

/** Large enough for any SQS batch or DynamoDB BatchWriteItem; a bound so a runaway client cannot exhaust memory. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

const JSON_TARGETS: Readonly<Record<string, { service: ServiceName; protocol: JsonProtocol }>> = {
  secretsmanager: { service: "secretsmanager", protocol: SECRETS_MANAGER_PROTOCOL },
  AmazonSQS: { service: "sqs", protocol: SQS_PROTOCOL },
};
const DYNAMODB_TARGET = "DynamoDB_20120810";

export async function startGateway(services: GatewayServices, host: string, port: number): Promise<Gateway> {
  const inFlight = new Set<Promise<void>>();
  const server: Server = createServer((req, res) => {
    const handling = route(services, req, res)
      .catch(() => {
        // A bug in a handler must not leave the SDK waiting for a reply.
        if (!res.headersSent) {
          writeJsonError(
            res,
            SQS_PROTOCOL,
            newRequestId(),
            receiverError("InternalFailure", "local AWS gateway failed"),
          );
        } else {
          res.destroy();
        }
      })
      .finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${urlHost(address.address)}:${address.port}`,
    close: async () => {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      // Let requests being answered (long polls the SQS service has just ended) send their replies,
      // then cut the keep-alive connections SDK clients hold, which close() alone would wait for.
      server.closeIdleConnections();
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => setTimeout(resolve, 1_000)),
      ]);
      server.closeAllConnections();
      await closed;
    },
  };
}

async function route(services: GatewayServices, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  const target = header(req, "x-amz-target");
  if (target !== undefined) {
    const dot = target.lastIndexOf(".");
    const prefix = target.slice(0, dot);
    const operation = target.slice(dot + 1);
    if (prefix === DYNAMODB_TARGET) return routeDynamoDb(services, operation, requestId, req, res);
    const json = JSON_TARGETS[prefix];
    if (json === undefined) {
      await readBody(req);
      return writeJsonError(
        res,
        SQS_PROTOCOL,
        requestId,
        senderError("UnknownOperationException", `unknown target ${target}`),
      );
    }
    return routeJson(services, json, operation, requestId, req, res);
  }
  if (
    req.method === "POST" &&
    (header(req, "content-type") ?? "").startsWith("application/x-www-form-urlencoded")
  ) {
    return routeQuery(services, requestId, req, res);
  }
  await readBody(req);
  if (req.method === "GET" && (req.url === "/" || req.url === "/health")) {
    const body = JSON.stringify({ status: "ok", services: ["secretsmanager", "sns", "sqs", "dynamodb"] });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("local AWS gateway: send AWS SDK requests (X-Amz-Target or Action=) here\n");
}

async function routeJson(
  services: GatewayServices,
  target: { service: ServiceName; protocol: JsonProtocol },
  operation: string,
  requestId: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) return tooLarge(res);
  services.calls.record(target.service, operation);
  const fault = services.faults.take(target.service, operation);
  if (fault === "reset") return void req.socket.destroy();
  if (fault !== undefined)
    return writeJsonError(res, target.protocol, requestId, faultError(target.service, fault, operation));
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
  } catch {
    return writeJsonError(
      res,
      target.protocol,
      requestId,
      senderError("SerializationException", "the request body is not JSON"),
    );
  }
  const handler = target.service === "sqs" ? services.sqs : services.secretsManager;
  const result = await handler.handle(operation, input, disconnectSignal(res));
  if (res.destroyed) return;
  result.match(
    (output) => writeJsonReply(res, target.protocol, requestId, output),
    (error) => writeJsonError(res, target.protocol, requestId, error),
  );
}

async function routeDynamoDb(
  services: GatewayServices,
  operation: string,
  requestId: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  services.calls.record("dynamodb", operation);
  const fault = services.faults.take("dynamodb", operation);
  if (fault === undefined) return services.dynamodb.forward(req, res);
  await readBody(req);
  if (fault === "reset") return void req.socket.destroy();
  writeJsonError(res, DYNAMODB_PROTOCOL, requestId, faultError("dynamodb", fault, operation));
}

async function routeQuery(
  services: GatewayServices,
  requestId: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const xmlns = services.snsXmlns;
  const body = await readBody(req);
  if (body === undefined) return tooLarge(res);
  const params = new URLSearchParams(body.toString("utf8"));
  const action = params.get("Action");
  if (action === null || action === "") {
    return writeQueryError(
      res,
      xmlns,
      requestId,
      senderError("MissingAction", "The request must contain the parameter Action."),
    );
  }
  // The signing scope names the service the client meant; only SNS is served over the query protocol.
  const scope = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(header(req, "authorization") ?? "")?.[1];
  if (scope !== undefined && scope !== "sns") {
    return writeQueryError(
      res,
      xmlns,
      requestId,
      senderError("InvalidAction", `the local gateway serves ${scope} only over its JSON protocol`),
    );
  }
  services.calls.record("sns", action);
  const fault = services.faults.take("sns", action);
  if (fault === "reset") return void req.socket.destroy();
  if (fault !== undefined) return writeQueryError(res, xmlns, requestId, faultError("sns", fault, action));
  const result = await services.sns.handle(action, params);
  result.match(
    (xml) => writeQueryReply(res, xmlns, action, requestId, xml),
    (error) => writeQueryError(res, xmlns, requestId, error),
  );
}

/** The whole body, or undefined past MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(res: ServerResponse): void {
  res.writeHead(413, { connection: "close" });
  res.end();
}

/** Aborted when the client goes away before its reply, so a long poll stops waiting for nobody. */
function disconnectSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function urlHost(address: string): string {
  if (address === "0.0.0.0" || address === "::") return "127.0.0.1";
  return address.includes(":") ? `[${address}]` : address;
}
