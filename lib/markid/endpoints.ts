import { defineEndpoint } from "./endpoint";
import { addDummyStatusRequestSchema } from "./schemas/dummy-status";
import { PROCESS_MAX_REQUEST_BYTES, processRequestSchema } from "./schemas/process";
import { tokenRequestSchema, tokenResponseSchema } from "./schemas/token";
import {
  dataResponseSchema,
  filesResponseSchema,
  scanRefRequestSchema,
  statusResponseSchema,
} from "./schemas/verification";

/** The verification endpoints (markid-api.md §3–§6). Fraud and AML endpoints live in their own files. */

/** Creates a session; spends a verification credit. With `dummyStatus`, a dummy one (DEV only). */
export const tokenEndpoint = defineEndpoint({
  path: "/api/v2/token",
  request: tokenRequestSchema,
  response: tokenResponseSchema,
});

export const addDummyStatusEndpoint = defineEndpoint({
  path: "/api/v2/add-dummy-status",
  request: addDummyStatusRequestSchema,
  response: "empty",
});

export const processEndpoint = defineEndpoint({
  path: "/api/v2/process",
  request: processRequestSchema,
  response: "empty",
  maxRequestBytes: PROCESS_MAX_REQUEST_BYTES,
});

export const statusEndpoint = defineEndpoint({
  path: "/api/v2/status",
  request: scanRefRequestSchema,
  response: statusResponseSchema,
});

export const dataEndpoint = defineEndpoint({
  path: "/api/v2/data",
  request: scanRefRequestSchema,
  response: dataResponseSchema,
});

export const filesEndpoint = defineEndpoint({
  path: "/api/v2/files",
  request: scanRefRequestSchema,
  response: filesResponseSchema,
});

export const deleteEndpoint = defineEndpoint({
  path: "/api/v2/delete",
  request: scanRefRequestSchema,
  response: "empty",
});
