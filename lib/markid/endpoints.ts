import { defineEndpoint } from "./endpoint";
import {
  ADD_DUMMY_STATUS_PATH,
  DATA_PATH,
  DELETE_PATH,
  FILES_PATH,
  PROCESS_PATH,
  STATUS_PATH,
  TOKEN_PATH,
} from "./paths";
import { addDummyStatusRequestSchema } from "./schemas/dummy-status";
import { PROCESS_MAX_REQUEST_BYTES, processRequestSchema } from "./schemas/process";
import { tokenRequestValidator, tokenResponseSchema } from "./schemas/token";
import { scanRefRequestSchema, statusResponseSchema } from "./schemas/verification";
import { dataResponseSchema, filesResponseSchema } from "./schemas/verification-data";

/**
 * The verification endpoints (markid-api.md §3–§6). Fraud and AML endpoints live in their own files.
 *
 * Each declaration is marked pure so that esbuild drops the ones a handler never calls, and with
 * them (package.json "sideEffects": false) their schema modules: cold init builds only the zod
 * schemas of the endpoints the handler's bundle carries.
 */

/** Creates a session; spends a verification credit. With `dummyStatus`, a dummy one (DEV only). */
export const tokenEndpoint = /* @__PURE__ */ defineEndpoint({
  path: TOKEN_PATH,
  request: tokenRequestValidator,
  response: tokenResponseSchema,
});

export const addDummyStatusEndpoint = /* @__PURE__ */ defineEndpoint({
  path: ADD_DUMMY_STATUS_PATH,
  request: addDummyStatusRequestSchema,
  response: "empty",
});

export const processEndpoint = /* @__PURE__ */ defineEndpoint({
  path: PROCESS_PATH,
  request: processRequestSchema,
  response: "empty",
  maxRequestBytes: PROCESS_MAX_REQUEST_BYTES,
});

export const statusEndpoint = /* @__PURE__ */ defineEndpoint({
  path: STATUS_PATH,
  request: scanRefRequestSchema,
  response: statusResponseSchema,
});

export const dataEndpoint = /* @__PURE__ */ defineEndpoint({
  path: DATA_PATH,
  request: scanRefRequestSchema,
  response: dataResponseSchema,
});

export const filesEndpoint = /* @__PURE__ */ defineEndpoint({
  path: FILES_PATH,
  request: scanRefRequestSchema,
  response: filesResponseSchema,
});

export const deleteEndpoint = /* @__PURE__ */ defineEndpoint({
  path: DELETE_PATH,
  request: scanRefRequestSchema,
  response: "empty",
});
