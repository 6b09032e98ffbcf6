import { Result, err, ok } from "neverthrow";
import type { ResultAsync } from "neverthrow";
import * as z from "zod/mini";
import type { FieldIssue, MarkIdError } from "./errors";
import { ROOT_PATH, toFieldIssues } from "./field-issues";
import type { HttpMethod, Transport } from "./transport";

/**
 * One API operation: where it lives, how its request is checked and serialised, how its reply is
 * read. Built with `defineEndpoint`, called with `callEndpoint` (or the client's `call`), so a
 * new endpoint is a declaration, not new transport code.
 */
export interface Endpoint<Req, Res> {
  readonly method: HttpMethod;
  readonly path: string;
  /** Validates and serialises the request; issues name fields, never values. */
  readonly encodeRequest: (input: Req) => Result<string | undefined, readonly FieldIssue[]>;
  /** Reads a 2xx body. */
  readonly decodeResponse: (body: Uint8Array) => Result<Res, readonly FieldIssue[]>;
}

/** Any zod schema (zod/mini in lib/, full zod is accepted too): their common core type. */
export type Schema = z.core.$ZodType;

/**
 * A request check that is not one zod schema, for a request too large to build a schema for at
 * load (the token request, schemas/token-request.ts). Like a schema's issues, its issues name
 * fields, never values.
 */
export interface RequestValidator<T> {
  readonly validateRequest: (input: unknown) => Result<T, readonly FieldIssue[]>;
}

/** How an endpoint's request body is checked: a zod schema or a RequestValidator. */
export type RequestSpec = Schema | RequestValidator<unknown>;

/** `"empty"`: the endpoint answers 200 without a body we need (whatever it sends is ignored). */
export type ResponseSpec = Schema | "empty" | LazySchema;

/** A schema built on the first reply rather than at load (see lib/lazily.ts). */
export type LazySchema = () => Schema;

export interface EndpointSpec<ReqS extends RequestSpec | undefined, ResS extends ResponseSpec> {
  readonly path: string;
  /** Default `POST`, as almost every Mark ID call. */
  readonly method?: HttpMethod;
  /** The request body's schema; `undefined` for a call without a body (GET). */
  readonly request: ReqS;
  readonly response: ResS;
  /** A documented limit on the serialised body (e.g. 20 MB for /process). */
  readonly maxRequestBytes?: number;
}

export type RequestOf<S> = S extends RequestValidator<infer T> ? T : S extends Schema ? z.input<S> : void;
export type ResponseOf<S> = S extends () => infer L
  ? L extends Schema
    ? z.output<L>
    : void
  : S extends Schema
    ? z.output<S>
    : void;

export function defineEndpoint<ReqS extends RequestSpec | undefined, ResS extends ResponseSpec>(
  spec: EndpointSpec<ReqS, ResS>,
): Endpoint<RequestOf<ReqS>, ResponseOf<ResS>> {
  const requestSchema: RequestSpec | undefined = spec.request;
  const responseSpec: ResponseSpec = spec.response;
  return {
    method: spec.method ?? "POST",
    path: spec.path,
    encodeRequest: (input) =>
      requestSchema === undefined ? ok(undefined) : encodeBody(requestSchema, input, spec.maxRequestBytes),
    decodeResponse: (body) =>
      (responseSpec === "empty"
        ? ok(undefined)
        : decodeJsonBody(typeof responseSpec === "function" ? responseSpec() : responseSpec, body)) as Result<
        ResponseOf<ResS>,
        readonly FieldIssue[]
      >,
  };
}

export interface CallOptions {
  /** Overrides the client's timeout for this call, e.g. to stay inside a Lambda's remaining time. */
  readonly timeoutMs?: number;
}

/**
 * Validate → send → decode. A request that breaks a documented constraint is refused here and
 * nothing is sent (not even the credentials are read).
 */
export function callEndpoint<Req, Res>(
  transport: Transport,
  endpoint: Endpoint<Req, Res>,
  input: Req,
  options: CallOptions = {},
): ResultAsync<Res, MarkIdError> {
  return endpoint
    .encodeRequest(input)
    .mapErr((issues): MarkIdError => ({ kind: "invalid-request", endpoint: endpoint.path, issues }))
    .asyncAndThen((body) =>
      transport.send({
        method: endpoint.method,
        path: endpoint.path,
        ...(body === undefined ? {} : { body }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      }),
    )
    .andThen((reply) =>
      endpoint
        .decodeResponse(reply.body)
        .mapErr((issues): MarkIdError => ({ kind: "schema-mismatch", endpoint: endpoint.path, issues })),
    );
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const stringify = Result.fromThrowable(
  (value: unknown) => JSON.stringify(value),
  (): readonly FieldIssue[] => [{ path: ROOT_PATH, message: "cannot be serialised as JSON" }],
);
const parseJsonText = Result.fromThrowable(
  (bytes: Uint8Array): unknown => JSON.parse(strictUtf8.decode(bytes)),
  // Fixed text: JSON.parse's own message quotes the body, which may hold personal data.
  (): readonly FieldIssue[] => [{ path: ROOT_PATH, message: "reply is not valid JSON" }],
);

function encodeBody(
  schema: RequestSpec,
  input: unknown,
  maxRequestBytes: number | undefined,
): Result<string, readonly FieldIssue[]> {
  return validate(schema, input)
    .andThen((data) => stringify(data))
    .andThen((body) => {
      if (body === undefined) return err([{ path: ROOT_PATH, message: "cannot be serialised as JSON" }]);
      if (maxRequestBytes !== undefined && Buffer.byteLength(body, "utf8") > maxRequestBytes) {
        return err([{ path: ROOT_PATH, message: `request body exceeds ${maxRequestBytes} bytes` }]);
      }
      return ok(body);
    });
}

function decodeJsonBody(schema: Schema, body: Uint8Array): Result<unknown, readonly FieldIssue[]> {
  return parseJsonText(body).andThen((json) => validate(schema, json));
}

/**
 * zod reports data problems as issues, but can still throw on pathological input (a circular
 * object through a recursive schema overflows the stack): that, too, becomes an issue.
 */
function validate(spec: RequestSpec, value: unknown): Result<unknown, readonly FieldIssue[]> {
  const couldNotValidate = (): readonly FieldIssue[] => [
    { path: ROOT_PATH, message: "could not be validated" },
  ];
  if ("validateRequest" in spec) {
    return Result.fromThrowable(() => spec.validateRequest(value), couldNotValidate)().andThen(
      (checked) => checked,
    );
  }
  return Result.fromThrowable(() => z.safeParse(spec, value), couldNotValidate)().andThen((parsed) =>
    parsed.success ? ok(parsed.data) : err(toFieldIssues(parsed.error.issues)),
  );
}
